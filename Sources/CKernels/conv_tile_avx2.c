#include "activate_avx2.h"
#include "conv_tiles.h"

/* 4 channels x 16 columns in 8 accumulators, run for each half of the 8-channel weight
 * block; each tap loads two input vectors and broadcasts 4 weights. A short last tile
 * reads and writes through lane masks. */
TARGET_AVX2 __attribute__((always_inline)) static inline void
half_tile(const int full, const float *weights, const int64_t *tap_offsets, int64_t taps, const float *input,
          int64_t columns, float *output, const float *residual, int64_t channel_stride,
          int m_rows, const float *bias, const SSConvGemm *conv) {
    enum { ROWS = 4, VECTORS = 2 };
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i mask[VECTORS];
    for (int v = 0; v < VECTORS; v++) mask[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)columns - 8 * v), lanes);
    __m256 acc[ROWS][VECTORS];
    for (int r = 0; r < ROWS; r++)
        for (int v = 0; v < VECTORS; v++) acc[r][v] = _mm256_setzero_ps();
    for (int64_t k = 0; k < taps; k++) {
        const float *p = input + tap_offsets[k], *w = weights + k * SS_CONV_BLOCK;
        __m256 x[VECTORS];
        for (int v = 0; v < VECTORS; v++) x[v] = full ? _mm256_loadu_ps(p + 8 * v) : _mm256_maskload_ps(p + 8 * v, mask[v]);
        for (int r = 0; r < ROWS; r++) {
            const __m256 wr = _mm256_broadcast_ss(w + r);
            for (int v = 0; v < VECTORS; v++) acc[r][v] = _mm256_fmadd_ps(wr, x[v], acc[r][v]);
        }
    }
    for (int r = 0; r < m_rows && r < ROWS; r++) {
        for (int v = 0; v < VECTORS; v++) {
            float *out = output + r * channel_stride + 8 * v;
            __m256 y = acc[r][v];
            if (bias) y = _mm256_add_ps(y, _mm256_set1_ps(bias[r]));
            if (residual) {
                const float *res = residual + r * channel_stride + 8 * v;
                y = _mm256_add_ps(y, full ? _mm256_loadu_ps(res) : _mm256_maskload_ps(res, mask[v]));
            }
            y = activate_avx2(y, conv->activation, conv->alpha, conv->beta);
            if (full) _mm256_storeu_ps(out, y);
            else _mm256_maskstore_ps(out, mask[v], y);
        }
    }
}

/* 8 channels x 16 columns, as two 4-channel halves (AVX2 has 16 vector registers); full
 * tiles and the masked last one are separate copies of the loop. */
TARGET_AVX2 void ss_conv_tile_avx2(const float *weights, const int64_t *tap_offsets, int64_t taps, const float *input,
                              int64_t columns, float *output, const float *residual, int64_t channel_stride,
                              int m_rows, const float *bias, int64_t prefetch, const SSConvGemm *conv) {
    (void)prefetch;
    const float *residual_hi = residual ? residual + 4 * channel_stride : 0, *bias_hi = bias ? bias + 4 : 0;
    if (columns >= SS_TILE_COLUMNS_AVX2) {
        half_tile(1, weights, tap_offsets, taps, input, columns, output, residual, channel_stride, m_rows, bias, conv);
        if (m_rows > 4)
            half_tile(1, weights + 4, tap_offsets, taps, input, columns, output + 4 * channel_stride, residual_hi,
                      channel_stride, m_rows - 4, bias_hi, conv);
    } else {
        half_tile(0, weights, tap_offsets, taps, input, columns, output, residual, channel_stride, m_rows, bias, conv);
        if (m_rows > 4)
            half_tile(0, weights + 4, tap_offsets, taps, input, columns, output + 4 * channel_stride, residual_hi,
                      channel_stride, m_rows - 4, bias_hi, conv);
    }
}
