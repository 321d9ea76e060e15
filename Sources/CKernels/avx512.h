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

#endif
