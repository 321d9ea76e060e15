#include "avx512.h"

/* Output transform of Winograd F(2x2, 3x3): Y = At M A with At = [1 1 1 0; 0 1 -1 -1], for 16
 * tiles at a time in the lanes, then bias, residual and activation as the 2x2 outputs are stored. */

/* At x (m0, m1, m2, m3): the first and second output. */
TARGET_AVX512 static inline void reduce(__m512 m0, __m512 m1, __m512 m2, __m512 m3, __m512 *y0, __m512 *y1) {
    *y0 = _mm512_add_ps(_mm512_add_ps(m0, m1), m2);
    *y1 = _mm512_sub_ps(_mm512_sub_ps(m1, m2), m3);
}

/* Bias, residual (at `out`'s place in `residual`, or none) and activation. */
TARGET_AVX512 static inline __m512 finish(const SSWinograd *conv, __m512 v, __m512 bias, __m512 residual) {
    return activate_avx512(_mm512_add_ps(_mm512_add_ps(v, bias), residual), conv->activation, conv->alpha, conv->beta);
}

/* Stores the outputs of 16 undilated tiles in one output row, columns x to x + 31 (before
 * `end`), interleaved from the tiles' left and right outputs. */
TARGET_AVX512 static inline void store_row(const SSWinograd *conv, __m512 left, __m512 right, __m512 bias, const float *residual,
                                           float *out, int64_t x, int64_t end) {
    const __m512i low = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    const __m512i high = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
    const __m512 v[2] = {_mm512_permutex2var_ps(left, low, right), _mm512_permutex2var_ps(left, high, right)};
    for (int h = 0; h < 2; h++) {
        const int64_t at = x + 16 * h;
        const __mmask16 mask = tail_mask(end - at);
        const __m512 r = residual ? _mm512_maskz_loadu_ps(mask, residual + at) : _mm512_setzero_ps();
        _mm512_mask_storeu_ps(out + at, mask, finish(conv, v[h], bias, r));
    }
}

/* Scatters one output of 16 dilated tiles, at `columns` of one output row where `mask` is set. */
TARGET_AVX512 static inline void scatter_row(const SSWinograd *conv, __m512 v, __m512 bias, const float *residual, float *out,
                                             __m512i columns, __mmask16 mask) {
    const __m512 r = residual ? _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, columns, residual, 4) : _mm512_setzero_ps();
    _mm512_mask_i32scatter_ps(out, mask, columns, finish(conv, v, bias, r), 4);
}

TARGET_AVX512 void ss_winograd_output(const SSWinograd *conv, const float *m, int64_t channels, int64_t tile_row,
                                      int64_t first, int64_t count, const float *bias, const float *residual, float *output,
                                      int64_t out_plane) {
    const int64_t d = conv->dilation, stride = conv->tile_stride, out_w = conv->out_w;
    const int64_t y = 2 * d * (tile_row / d) + tile_row % d;
    const int64_t end = 2 * d * (first + count) < out_w ? 2 * d * (first + count) : out_w;
    const int rows = y >= conv->out_h ? 0 : y + d < conv->out_h ? 2 : 1;
    const int64_t tiles = d * count, row = 4 * channels * stride;
    for (int64_t t = 0; t < tiles; t += 16) {
        /* Dilated: the left output column of each tile (see SSWinograd). */
        int32_t left[16];
        for (int l = 0; d > 1 && l < 16; l++) left[l] = (int32_t)(2 * d * (first + (t + l) % count) + (t + l) / count);
        const __mmask16 valid = tail_mask(tiles - t);
        for (int64_t o = 0; o < channels; o++) {
            const __m512 b = _mm512_set1_ps(bias ? bias[o] : 0);
            __m512 r[2][4];
            for (int j = 0; j < 4; j++) {
                const float *q = m + (j * channels + o) * stride + t;
                reduce(_mm512_maskz_loadu_ps(valid, q), _mm512_maskz_loadu_ps(valid, q + row), _mm512_maskz_loadu_ps(valid, q + 2 * row),
                       _mm512_maskz_loadu_ps(valid, q + 3 * row), &r[0][j], &r[1][j]);
            }
            for (int i = 0; i < rows; i++) {
                const int64_t at = (y + i * d) * out_w;
                const float *res = residual ? residual + o * out_plane + at : 0;
                float *out = output + o * out_plane + at;
                __m512 outs[2];
                reduce(r[i][0], r[i][1], r[i][2], r[i][3], &outs[0], &outs[1]);
                if (d == 1) {
                    store_row(conv, outs[0], outs[1], b, res, out, 2 * (first + t), end);
                    continue;
                }
                for (int k = 0; k < 2; k++) {
                    const __m512i columns = _mm512_add_epi32(_mm512_loadu_si512(left), _mm512_set1_epi32((int)(k * d)));
                    scatter_row(conv, outs[k], b, res, out, columns, valid & _mm512_cmplt_epi32_mask(columns, _mm512_set1_epi32((int)out_w)));
                }
            }
        }
    }
}
