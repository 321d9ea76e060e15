#include "avx512.h"

/* Rows of a bilinear Resize, and of Resize fused with an arg max over classes.
 * Exactly Resize's arithmetic, a + (b - a) * f rounded after each step: no FMA contraction. */
#pragma clang fp contract(off)

TARGET_AVX512 void ss_interpolate_row(const float *source, const int32_t *x0, const int32_t *x1, const float *fx,
                                      int64_t count, float *target) {
    for (int64_t i = 0; i < count; i += 16) {
        const __mmask16 m = tail_mask(count - i);
        const __m512 a = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, _mm512_maskz_loadu_epi32(m, x0 + i), source, 4);
        const __m512 b = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, _mm512_maskz_loadu_epi32(m, x1 + i), source, 4);
        const __m512 v = _mm512_add_ps(a, _mm512_mul_ps(_mm512_sub_ps(b, a), _mm512_maskz_loadu_ps(m, fx + i)));
        _mm512_mask_storeu_ps(target + i, m, v);
    }
}

TARGET_AVX512 void ss_mix_rows(const float *top, const float *bottom, float fy, int64_t count, float *target) {
    const __m512 f = _mm512_set1_ps(fy);
    for (int64_t i = 0; i < count; i += 16) {
        const __mmask16 m = tail_mask(count - i);
        const __m512 t = _mm512_maskz_loadu_ps(m, top + i), b = _mm512_maskz_loadu_ps(m, bottom + i);
        _mm512_mask_storeu_ps(target + i, m, _mm512_add_ps(t, _mm512_mul_ps(_mm512_sub_ps(b, t), f)));
    }
}

TARGET_AVX512 void ss_argmax_update(const float *top, const float *bottom, float fy, int64_t count, int64_t class_index,
                                    float *best, int64_t *labels) {
    const __m512 f = _mm512_set1_ps(fy);
    const __m512i id = _mm512_set1_epi64(class_index);
    for (int64_t i = 0; i < count; i += 16) {
        const __mmask16 m = tail_mask(count - i);
        const __m512 t = _mm512_maskz_loadu_ps(m, top + i), b = _mm512_maskz_loadu_ps(m, bottom + i);
        const __m512 v = _mm512_add_ps(t, _mm512_mul_ps(_mm512_sub_ps(b, t), f));
        const __mmask16 better = class_index == 0 ? m : _mm512_mask_cmp_ps_mask(m, v, _mm512_maskz_loadu_ps(m, best + i), _CMP_GT_OQ);
        _mm512_mask_storeu_ps(best + i, better, v);
        _mm512_mask_storeu_epi64(labels + i, (__mmask8)better, id);
        _mm512_mask_storeu_epi64(labels + i + 8, (__mmask8)(better >> 8), id);
    }
}
