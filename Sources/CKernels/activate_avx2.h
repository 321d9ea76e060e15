#ifndef SEGSTREAM_ACTIVATE_AVX2_H
#define SEGSTREAM_ACTIVATE_AVX2_H

#include <immintrin.h>
#include "CKernels.h"

#define TARGET_AVX2 __attribute__((target("avx2,fma")))

/* The fused activation of SSActivation `kind` on 8 lanes. */
TARGET_AVX2 static inline __m256 activate_avx2(__m256 v, SSActivation kind, float alpha, float beta) {
    const __m256 zero = _mm256_setzero_ps();
    switch (kind) {
    case SSActivationRelu: return _mm256_max_ps(v, zero);
    case SSActivationClip: return _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(alpha)), _mm256_set1_ps(beta));
    case SSActivationLeakyRelu:
        return _mm256_blendv_ps(v, _mm256_mul_ps(v, _mm256_set1_ps(alpha)), _mm256_cmp_ps(v, zero, _CMP_LT_OQ));
    case SSActivationHardSigmoid:
        return _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(v, _mm256_set1_ps(alpha), _mm256_set1_ps(beta)), zero),
                             _mm256_set1_ps(1));
    case SSActivationHardSwish: {
        __m256 gate = _mm256_fmadd_ps(v, _mm256_set1_ps(1.0f / 6), _mm256_set1_ps(0.5f));
        return _mm256_mul_ps(v, _mm256_min_ps(_mm256_max_ps(gate, zero), _mm256_set1_ps(1)));
    }
    default: return v;
    }
}

#endif
