#ifndef SEGSTREAM_AVX512_H
#define SEGSTREAM_AVX512_H

#include <immintrin.h>
#include "CKernels.h"

/* Shared by the AVX-512 kernel files: the per-function target attribute and the fused activations. */

#define TARGET_AVX512 __attribute__((target("avx512f")))

/* The lanes of a 16-lane block that hold the `left` elements still to do (all when 16 or more, none when 0 or fewer). */
TARGET_AVX512 static inline __mmask16 tail_mask(int64_t left) {
    return left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
}

/* The fused activation of SSActivation `kind` on 16 lanes. */
TARGET_AVX512 static inline __m512 activate_avx512(__m512 v, SSActivation kind, float alpha, float beta) {
    const __m512 zero = _mm512_setzero_ps();
    switch (kind) {
    case SSActivationRelu: return _mm512_max_ps(v, zero);
    case SSActivationClip: return _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(alpha)), _mm512_set1_ps(beta));
    case SSActivationLeakyRelu:
        return _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, _mm512_set1_ps(alpha));
    case SSActivationHardSigmoid:
        return _mm512_min_ps(_mm512_max_ps(_mm512_fmadd_ps(v, _mm512_set1_ps(alpha), _mm512_set1_ps(beta)), zero),
                             _mm512_set1_ps(1));
    case SSActivationHardSwish: {
        __m512 gate = _mm512_fmadd_ps(v, _mm512_set1_ps(1.0f / 6), _mm512_set1_ps(0.5f));
        return _mm512_mul_ps(v, _mm512_min_ps(_mm512_max_ps(gate, zero), _mm512_set1_ps(1)));
    }
    default: return v;
    }
}

/* e^x on 16 lanes, Cephes' expf: x = n ln 2 + r, a degree-5 polynomial in r, times 2^n. About 1 ulp;
 * inputs are clamped to [-87.3, 88.7], so -inf gives a denormal-sized value, not 0. */
TARGET_AVX512 static inline __m512 exp_avx512(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.33654f)), _mm512_set1_ps(88.72283f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1)));
    return _mm512_scalef_ps(p, n);
}

#endif
