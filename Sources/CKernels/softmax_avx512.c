#include "avx512.h"
#include <math.h>

/* Softmax (or LogSoftmax) of `rows` contiguous rows of `length` values: the row's maximum, then
 * e^(x - max) written while summing, then one scaling pass (or x - max - log(sum)). */
TARGET_AVX512 void ss_softmax_rows(const float *x, float *y, int64_t rows, int64_t length, int log_softmax) {
    for (int64_t r = 0; r < rows; r++) {
        const float *in = x + r * length;
        float *out = y + r * length;
        __m512 top = _mm512_set1_ps(-INFINITY);
        for (int64_t i = 0; i < length; i += 16) {
            const __mmask16 m = tail_mask(length - i);
            top = _mm512_mask_max_ps(top, m, top, _mm512_maskz_loadu_ps(m, in + i));
        }
        const __m512 peak = _mm512_set1_ps(_mm512_reduce_max_ps(top));
        __m512 sum = _mm512_setzero_ps();
        for (int64_t i = 0; i < length; i += 16) {
            const __mmask16 m = tail_mask(length - i);
            const __m512 e = exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, in + i), peak));
            sum = _mm512_mask_add_ps(sum, m, sum, e);
            if (!log_softmax) _mm512_mask_storeu_ps(out + i, m, e);
        }
        const float total = _mm512_reduce_add_ps(sum);
        if (log_softmax) {
            const __m512 shift = _mm512_add_ps(peak, _mm512_set1_ps(logf(total)));
            for (int64_t i = 0; i < length; i += 16) {
                const __mmask16 m = tail_mask(length - i);
                _mm512_mask_storeu_ps(out + i, m, _mm512_sub_ps(_mm512_maskz_loadu_ps(m, in + i), shift));
            }
        } else {
            const __m512 scale = _mm512_set1_ps(1.0f / total);
            for (int64_t i = 0; i < length; i += 16) {
                const __mmask16 m = tail_mask(length - i);
                _mm512_mask_storeu_ps(out + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, out + i), scale));
            }
        }
    }
}
