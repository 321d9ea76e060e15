#include "avx512.h"

/* out[i] = max(top[2i], top[2i + 1], bottom[2i], bottom[2i + 1]): the rows' maximum, then the
 * larger of each even and odd lane pair; the last block loads only the elements it uses. */
TARGET_AVX512 void ss_max_pool_2x2_row(const float *top, const float *bottom, int64_t count, float *out) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    for (int64_t i = 0; i < count; i += 16) {
        const int64_t used = 2 * (count - i);
        const __mmask16 m0 = tail_mask(used), m1 = tail_mask(used - 16);
        const __m512 a = _mm512_max_ps(_mm512_maskz_loadu_ps(m0, top + 2 * i), _mm512_maskz_loadu_ps(m0, bottom + 2 * i));
        const __m512 b = _mm512_max_ps(_mm512_maskz_loadu_ps(m1, top + 2 * i + 16), _mm512_maskz_loadu_ps(m1, bottom + 2 * i + 16));
        const __m512 v = _mm512_max_ps(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
        _mm512_mask_storeu_ps(out + i, tail_mask(count - i), v);
    }
}
