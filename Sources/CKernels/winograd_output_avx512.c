#include "avx512.h"

/* Output transform of Winograd F(2x2, 3x3): Y = At M A with At = [1 1 1 0; 0 1 -1 -1], for 16
 * tiles at a time in the lanes, then bias, residual and activation as the 2x2 outputs are stored. */

/* At x (m0, m1, m2, m3): the first and second output. */
TARGET_AVX512 static inline void reduce(__m512 m0, __m512 m1, __m512 m2, __m512 m3, __m512 *y0, __m512 *y1) {
    *y0 = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
    *y1 = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
}

/* Stores the 32 outputs from `x` on of one output row, interleaved from the tiles' left and right
 * outputs, with bias, residual and activation; only columns before `end`. */
TARGET_AVX512 static inline void store_row(const SSWinograd *conv, __m512 left, __m512 right, __m512 bias, const float *residual,
                                           float *out, int64_t x, int64_t end) {
    const __m512i low = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512i high = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
    __m512 v[2] = {_mm512_permutex2var_ps(left, low, right), _mm512_permutex2var_ps(left, high, right)};
    for (int h = 0; h < 2; h++) {
        const int64_t at = x + 16 * h;
        const __mmask16 mask = tail_mask(end - at);
        __m512 r = _mm512_add_ps(v[h], bias);
        if (residual) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, residual + at));
        _mm512_mask_storeu_ps(out + at, mask, activate_avx512(r, conv->activation, conv->alpha, conv->beta));
    }
}

TARGET_AVX512 void ss_winograd_output(const SSWinograd *conv, const float *m, int64_t channels, int64_t tile_row,
                                      int64_t first, int64_t count, const float *bias, const float *residual, float *output,
                                      int64_t out_plane) {
    const int64_t stride = conv->tile_stride, y = 2 * tile_row, out_w = conv->out_w;
    const int64_t end = 2 * (first + count) < out_w ? 2 * (first + count) : out_w;
    const int rows = y + 1 < conv->out_h ? 2 : 1;
    for (int64_t o = 0; o < channels; o++) {
        const __m512 b = _mm512_set1_ps(bias ? bias[o] : 0);
        float *out = output + o * out_plane + y * out_w;
        const float *res = residual ? residual + o * out_plane + y * out_w : 0;
        for (int64_t t = 0; t < count; t += 16) {
            __m512 r[2][4];
            for (int j = 0; j < 4; j++) {
                const float *p = m + (o + j * channels) * stride + t;
                const int64_t row = 4 * channels * stride;
                reduce(_mm512_loadu_ps(p), _mm512_loadu_ps(p + row), _mm512_loadu_ps(p + 2 * row), _mm512_loadu_ps(p + 3 * row),
                       &r[0][j], &r[1][j]);
            }
            const int64_t x = 2 * (first + t);
            for (int i = 0; i < rows; i++) {
                __m512 left, right;
                reduce(r[i][0], r[i][1], r[i][2], r[i][3], &left, &right);
                store_row(conv, left, right, b, res ? res + i * out_w : 0, out + i * out_w, x, end);
            }
        }
    }
}
