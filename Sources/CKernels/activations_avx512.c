#include "avx512.h"

/* The activations built on e^x, in place or not: Exp, Sigmoid, Erf and both GELUs on `count` values. */

/* erf by Abramowitz & Stegun 7.1.26: 1 - t (a1 + t (a2 + ...)) e^(-x^2), t = 1 / (1 + p|x|), odd
 * in x; absolute error under 1.5e-7. */
TARGET_AVX512 static inline __m512 erf_avx512(__m512 x) {
    const __m512 a = _mm512_abs_ps(x);
    const __m512 t = _mm512_div_ps(_mm512_set1_ps(1), _mm512_fmadd_ps(a, _mm512_set1_ps(0.3275911f), _mm512_set1_ps(1)));
    __m512 p = _mm512_set1_ps(1.061405429f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.453152027f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.421413741f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.284496736f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.254829592f));
    const __m512 e = exp_avx512(_mm512_mul_ps(_mm512_sub_ps(_mm512_setzero_ps(), a), a));
    const __m512 y = _mm512_fnmadd_ps(_mm512_mul_ps(p, t), e, _mm512_set1_ps(1));
    return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(y),
                                               _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000))));
}

TARGET_AVX512 void ss_transcendental(const float *x, float *y, int64_t count, SSTranscendental kind) {
    const __m512 one = _mm512_set1_ps(1), half = _mm512_set1_ps(0.5f);
    for (int64_t i = 0; i < count; i += 16) {
        const __mmask16 m = tail_mask(count - i);
        const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 r;
        switch (kind) {
        case SSTranscendentalExp: r = exp_avx512(v); break;
        case SSTranscendentalSigmoid: r = _mm512_div_ps(one, _mm512_add_ps(one, exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), v)))); break;
        case SSTranscendentalErf: r = erf_avx512(v); break;
        case SSTranscendentalGelu:
            r = _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, erf_avx512(_mm512_mul_ps(v, _mm512_set1_ps(0.70710678118654752f)))));
            break;
        default: { /* tanh GELU: x (1 + tanh u) / 2 = x / (1 + e^(-2u)), u = sqrt(2/pi) (x + 0.044715 x^3) */
            const __m512 u = _mm512_mul_ps(_mm512_set1_ps(0.7978845608028654f),
                                           _mm512_fmadd_ps(_mm512_mul_ps(_mm512_set1_ps(0.044715f), v), _mm512_mul_ps(v, v), v));
            r = _mm512_div_ps(v, _mm512_add_ps(one, exp_avx512(_mm512_mul_ps(_mm512_set1_ps(-2), u))));
        }
        }
        _mm512_mask_storeu_ps(y + i, m, r);
    }
}
