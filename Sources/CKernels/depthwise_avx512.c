#include "avx512.h"

/* 64 outputs of a row at a time in four accumulators; each tap is four loads and four
 * FMAs. Masks cover the row's last block. */
TARGET_AVX512 void ss_depthwise_plane(const SSDepthwise *conv, const float *padded, const float *weights, float bias,
                                      const float *residual, float *output) {
    enum { VECTORS = 4 };
    for (int64_t r = 0; r < conv->rows; r++) {
        const float *row = padded + r * conv->row_step;
        float *out = output + r * conv->cols;
        const float *res = residual ? residual + r * conv->cols : 0;
        for (int64_t c = 0; c < conv->cols; c += 16 * VECTORS) {
            __mmask16 mask[VECTORS];
            __m512 acc[VECTORS];
            for (int v = 0; v < VECTORS; v++) {
                mask[v] = tail_mask(conv->cols - c - 16 * v);
                acc[v] = _mm512_set1_ps(bias);
            }
            for (int64_t t = 0; t < conv->taps; t++) {
                const float *p = row + c + conv->tap_offsets[t];
                const __m512 w = _mm512_set1_ps(weights[t]);
                for (int v = 0; v < VECTORS; v++) acc[v] = _mm512_fmadd_ps(w, _mm512_maskz_loadu_ps(mask[v], p + 16 * v), acc[v]);
            }
            for (int v = 0; v < VECTORS; v++) {
                __m512 y = acc[v];
                if (res) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask[v], res + c + 16 * v));
                _mm512_mask_storeu_ps(out + c + 16 * v, mask[v], activate_avx512(y, conv->activation, conv->alpha, conv->beta));
            }
        }
    }
}
