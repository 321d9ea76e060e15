#include "avx512.h"

/* Stride 2: each 16 outputs are the even lanes of two 16-lane loads; the last (short) block
 * loads only the elements it uses. */
TARGET_AVX512 static void gather_stride2_avx512(const float *src, int64_t count, float *dst) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    int64_t i = 0;
    /* A whole block reads src[2 * i .. 2 * i + 31], within src[0 .. 2 * count - 2] while i + 16 < count. */
    for (; i + 16 < count; i += 16) {
        const __m512 a = _mm512_loadu_ps(src + 2 * i), b = _mm512_loadu_ps(src + 2 * i + 16);
        _mm512_storeu_ps(dst + i, _mm512_permutex2var_ps(a, even, b));
    }
    const int64_t left = count - i, used = 2 * left - 1;
    if (left <= 0) return;
    const __m512 a = _mm512_maskz_loadu_ps(tail_mask(used), src + 2 * i);
    const __m512 b = _mm512_maskz_loadu_ps(tail_mask(used - 16), src + 2 * i + 16);
    _mm512_mask_storeu_ps(dst + i, tail_mask(left), _mm512_permutex2var_ps(a, even, b));
}

void ss_gather_strided(const float *src, int64_t stride, int64_t count, float *dst, int avx512) {
    if (avx512 && stride == 2) {
        gather_stride2_avx512(src, count, dst);
        return;
    }
    for (int64_t i = 0; i < count; i++) dst[i] = src[i * stride];
}
