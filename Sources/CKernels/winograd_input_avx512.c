#include "avx512.h"

/* Input transform of Winograd F(2x2, 3x3): V = Bt d B with
 * Bt = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], for 16 tiles at a time in the lanes. */

/* Where the columns of 16 tiles lie: for each column j of their 4x4 blocks, the masks of the
 * two 16-float loads from column `start[j]` that hold columns start[j] + 2 * lane inside the row. */
typedef struct {
    int64_t start[4];
    __mmask16 first[4], second[4];
} Columns;

TARGET_AVX512 static Columns columns_of(int64_t x0, int64_t width) {
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i zero = _mm512_setzero_si512(), end = _mm512_set1_epi32((int)width);
    Columns c;
    for (int j = 0; j < 4; j++) {
        const __m512i first = _mm512_add_epi32(lane, _mm512_set1_epi32((int)(x0 + j)));
        const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(16));
        c.start[j] = x0 + j;
        c.first[j] = _mm512_cmpge_epi32_mask(first, zero) & _mm512_cmplt_epi32_mask(first, end);
        c.second[j] = _mm512_cmpge_epi32_mask(second, zero) & _mm512_cmplt_epi32_mask(second, end);
    }
    return c;
}

/* Bt x (x0, x1, x2, x3), in place. */
TARGET_AVX512 static inline void transform(__m512 *x0, __m512 *x1, __m512 *x2, __m512 *x3) {
    const __m512 a = _mm512_sub_ps(*x0, *x2), b = _mm512_add_ps(*x1, *x2), c = _mm512_sub_ps(*x2, *x1),
                 d = _mm512_sub_ps(*x1, *x3);
    *x0 = a;
    *x1 = b;
    *x2 = c;
    *x3 = d;
}

/* Brings the rows of input block row `y0` (4 rows from y0) of `plane`, columns [x0, x1), into L1. */
static inline void prefetch_rows(const SSWinograd *conv, const float *plane, int64_t y0, int64_t x0, int64_t x1) {
    x0 = x0 < 0 ? 0 : x0;
    x1 = x1 > conv->in_w ? conv->in_w : x1;
    for (int64_t y = y0 < 0 ? 0 : y0; y < y0 + 4 && y < conv->in_h; y++) {
        const char *row = (const char *)(plane + y * conv->in_w);
        for (int64_t at = 4 * x0 & ~63; at < 4 * x1; at += 64) _mm_prefetch(row + at, _MM_HINT_T0);
    }
}

TARGET_AVX512 void ss_winograd_input(const SSWinograd *conv, const float *const *planes, int64_t tile_row, int64_t first,
                                     int64_t count, float *v) {
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const int64_t stride = conv->tile_stride, channels = conv->in_channels, y0 = 2 * tile_row - conv->pad_top;
    const int64_t x_end = 2 * (first + count) - conv->pad_left + 2;
    prefetch_rows(conv, planes[0], y0, 2 * first - conv->pad_left, x_end);
    for (int64_t c = 0; c < channels; c++) {
        for (int64_t t = 0; t < count; t += 16) {
            const int64_t x0 = 2 * (first + t) - conv->pad_left;
            /* The next channel's columns of these tiles, while this channel's are transformed. */
            if (c + 1 < channels) prefetch_rows(conv, planes[c + 1], y0, x0, t + 16 < count ? x0 + 32 : x_end);
            /* Blocks inside the row (the common case) load without computing masks. */
            const Columns cols = x0 >= 0 && x0 + 35 <= conv->in_w ? (Columns){{x0, x0 + 1, x0 + 2, x0 + 3},
                                                                                 {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF},
                                                                                 {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}}
                                                                      : columns_of(x0, conv->in_w);
            __m512 d[4][4];
            for (int i = 0; i < 4; i++) {
                const int64_t y = y0 + i;
                const float *row = planes[c] + y * conv->in_w;
                for (int j = 0; j < 4; j++) {
                    if (y < 0 || y >= conv->in_h) {
                        d[i][j] = _mm512_setzero_ps();
                        continue;
                    }
                    const float *p = row + cols.start[j];
                    d[i][j] = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(cols.first[j], p), even,
                                                     _mm512_maskz_loadu_ps(cols.second[j], p + 16));
                }
            }
            for (int j = 0; j < 4; j++) transform(&d[0][j], &d[1][j], &d[2][j], &d[3][j]);
            for (int i = 0; i < 4; i++) transform(&d[i][0], &d[i][1], &d[i][2], &d[i][3]);
            for (int xi = 0; xi < 16; xi++) _mm512_storeu_ps(v + (xi * channels + c) * stride + t, d[xi / 4][xi % 4]);
        }
    }
}
