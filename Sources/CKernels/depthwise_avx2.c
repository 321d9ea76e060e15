#include "activate_avx2.h"
#include "depthwise.h"

/* 32 outputs of a row at a time in four accumulators; each tap is four loads and four
 * FMAs. Lane masks cover the row's last block. */
TARGET_AVX2 void ss_depthwise_plane_avx2(const SSDepthwise *conv, const float *padded, const float *weights, float bias,
                                         const float *residual, float *output) {
    enum { VECTORS = 4 };
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int64_t r = 0; r < conv->rows; r++) {
        const float *row = padded + r * conv->row_step;
        float *out = output + r * conv->cols;
        const float *res = residual ? residual + r * conv->cols : 0;
        for (int64_t c = 0; c < conv->cols; c += 8 * VECTORS) {
            __m256i mask[VECTORS];
            __m256 acc[VECTORS];
            for (int v = 0; v < VECTORS; v++) {
                mask[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(conv->cols - c - 8 * v)), lanes);
                acc[v] = _mm256_set1_ps(bias);
            }
            for (int64_t t = 0; t < conv->taps; t++) {
                const float *p = row + c + conv->tap_offsets[t];
                const __m256 w = _mm256_set1_ps(weights[t]);
                for (int v = 0; v < VECTORS; v++) acc[v] = _mm256_fmadd_ps(w, _mm256_maskload_ps(p + 8 * v, mask[v]), acc[v]);
            }
            for (int v = 0; v < VECTORS; v++) {
                __m256 y = acc[v];
                if (res) y = _mm256_add_ps(y, _mm256_maskload_ps(res + c + 8 * v, mask[v]));
                _mm256_maskstore_ps(out + c + 8 * v, mask[v], activate_avx2(y, conv->activation, conv->alpha, conv->beta));
            }
        }
    }
}
