#include "avx512.h"

/* Input transform of Winograd F(2x2, 3x3): V = Bt d B with
 * Bt = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], for 16 tiles at a time in the lanes. */

/* Where the columns of 16 undilated tiles lie: for each column j of their 4x4 blocks, the masks
 * of the two 16-float loads from column `start[j]` that hold columns start[j] + 2 * lane inside the row. */
typedef struct {
    int64_t start[4];
    __mmask16 first[4], second[4];
} Columns;

TARGET_AVX512 static inline __mmask16 inside(__m512i columns, int64_t width) {
    return _mm512_cmpge_epi32_mask(columns, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(columns, _mm512_set1_epi32((int)width));
}

TARGET_AVX512 static Columns columns_of(int64_t x0, int64_t width) {
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    Columns c;
    for (int j = 0; j < 4; j++) {
        const __m512i first = _mm512_add_epi32(lane, _mm512_set1_epi32((int)(x0 + j)));
        c.start[j] = x0 + j;
        c.first[j] = inside(first, width);
        c.second[j] = inside(_mm512_add_epi32(first, _mm512_set1_epi32(16)), width);
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

/* The 4x4 input blocks of 16 undilated tiles, their first column x0 (tile lane l at x0 + 2l). */
TARGET_AVX512 static inline void load_blocks(const SSWinograd *conv, const float *plane, int64_t y0, int64_t x0, __m512 d[4][4]) {
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    /* Blocks inside the row (the common case) load without computing masks. */
    const Columns cols = x0 >= 0 && x0 + 35 <= conv->in_w
                             ? (Columns){{x0, x0 + 1, x0 + 2, x0 + 3}, {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}}
                             : columns_of(x0, conv->in_w);
    for (int i = 0; i < 4; i++) {
        const int64_t y = y0 + i;
        for (int j = 0; j < 4; j++) {
            if (y < 0 || y >= conv->in_h) {
                d[i][j] = _mm512_setzero_ps();
                continue;
            }
            const float *p = plane + y * conv->in_w + cols.start[j];
            d[i][j] = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(cols.first[j], p), even, _mm512_maskz_loadu_ps(cols.second[j], p + 16));
        }
    }
}

/* The 4x4 input blocks of 16 dilated tiles, gathered: tile lane l at column left[l] (masked: none). */
TARGET_AVX512 static inline void gather_blocks(const SSWinograd *conv, const float *plane, int64_t y0, __m512i left, __mmask16 tiles,
                                               __m512 d[4][4]) {
    const int64_t dilation = conv->dilation;
    for (int j = 0; j < 4; j++) {
        const __m512i columns = _mm512_add_epi32(left, _mm512_set1_epi32((int)(j * dilation)));
        const __mmask16 mask = tiles & inside(columns, conv->in_w);
        for (int i = 0; i < 4; i++) {
            const int64_t y = y0 + i * dilation;
            d[i][j] = y < 0 || y >= conv->in_h ? _mm512_setzero_ps()
                                               : _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, columns, plane + y * conv->in_w, 4);
        }
    }
}

/* Transforms 16 tiles' blocks and stores position xi at out + xi * position_stride (the tiles in `tiles` only). */
TARGET_AVX512 static inline void store_blocks(__m512 m[4][4], float *out, int64_t position_stride, __mmask16 tiles) {
    for (int j = 0; j < 4; j++) transform(&m[0][j], &m[1][j], &m[2][j], &m[3][j]);
    for (int i = 0; i < 4; i++) transform(&m[i][0], &m[i][1], &m[i][2], &m[i][3]);
    for (int xi = 0; xi < 16; xi++) _mm512_mask_storeu_ps(out + xi * position_stride, tiles, m[xi / 4][xi % 4]);
}

/* Brings columns [x0, x1) of the 4 input rows from y0, `dilation` apart, of `plane` into L1. */
static inline void prefetch_rows(const SSWinograd *conv, const float *plane, int64_t y0, int64_t x0, int64_t x1) {
    x0 = x0 < 0 ? 0 : x0;
    x1 = x1 > conv->in_w ? conv->in_w : x1;
    for (int i = 0; i < 4; i++) {
        const int64_t y = y0 + i * conv->dilation;
        if (y < 0 || y >= conv->in_h) continue;
        const char *row = (const char *)(plane + y * conv->in_w);
        for (int64_t at = 4 * x0 & ~63; at < 4 * x1; at += 64) _mm_prefetch(row + at, _MM_HINT_T0);
    }
}

TARGET_AVX512 void ss_winograd_input(const SSWinograd *conv, const float *const *planes, int64_t tile_row, int64_t first,
                                     int64_t count, float *v) {
    const int64_t d = conv->dilation, channels = conv->in_channels, stride = conv->tile_stride;
    const int64_t y0 = 2 * d * (tile_row / d) + tile_row % d - conv->pad_top, left = 2 * d * first - conv->pad_left;
    const int64_t x_end = 2 * d * (first + count) - conv->pad_left + 2 * d;
    prefetch_rows(conv, planes[0], y0, left, x_end);
    /* Dilated: tile k at column left + 2d (k % count) + k / count, the same for every channel. */
    int32_t columns[d > 1 ? (d * count + 15) & ~15 : 1];
    for (int64_t k = 0; d > 1 && k < (d * count + 15) / 16 * 16; k++) columns[k] = (int32_t)(left + 2 * d * (k % count) + k / count);
    for (int64_t c = 0; c < channels; c++) {
        /* Undilated: tile k at column left + 2k; the next channel's columns prefetched block by block. */
        for (int64_t t = 0; d == 1 && t < count; t += 16) {
            if (c + 1 < channels) prefetch_rows(conv, planes[c + 1], y0, left + 2 * t, t + 16 < count ? left + 2 * (t + 16) : x_end);
            __m512 m[4][4];
            load_blocks(conv, planes[c], y0, left + 2 * t, m);
            store_blocks(m, v + c * stride + t, channels * stride, tail_mask(count - t));
        }
        /* Dilated: gathered. */
        for (int64_t t = 0; d > 1 && t < d * count; t += 16) {
            __m512 m[4][4];
            const __mmask16 tiles = tail_mask(d * count - t);
            gather_blocks(conv, planes[c], y0, _mm512_loadu_si512(columns + t), tiles, m);
            store_blocks(m, v + c * stride + t, channels * stride, tiles);
        }
    }
}
