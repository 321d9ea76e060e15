#include <stdint.h>
#include "avx512_target.h"

/* One row of motion-compensated scores, class plane after class plane: each output pixel is
 * the bilinear sample of the 2x2 source pixels at first[x], + right[x], + down[x] with weights
 * fx[x], fy[x], blended with `fresh` when given. Motion is smooth, so the source pixels of 16
 * neighbouring outputs are nearly consecutive: on AVX-512, a span whose sources are within
 * one pixel of consecutive (as a slow zoom makes them) with the same neighbour offsets reads
 * shifted plain loads, blended per lane, instead of gathers. */

static void warp_row_portable(const float *restrict planes, int64_t plane, int64_t classes, const int32_t *restrict first,
                              const int32_t *restrict right, const int32_t *restrict down, const float *restrict fx,
                              const float *restrict fy, int64_t count, const float *restrict fresh, float keep,
                              float *restrict output) {
    for (int64_t c = 0; c < classes; c++) {
        const float *restrict p = planes + c * plane;
        float *restrict out = output + c * plane;
        for (int64_t x = 0; x < count; x++) {
            const int32_t i = first[x], r = right[x], d = down[x];
            const float top = p[i] + fx[x] * (p[i + r] - p[i]);
            const float bottom = p[i + d] + fx[x] * (p[i + d + r] - p[i + d]);
            const float v = top + fy[x] * (bottom - top);
            out[x] = fresh ? keep * fresh[c * plane + x] + (1 - keep) * v : v;
        }
    }
}

/* The 16 samples p[base + k + shift[k]] (shift -1, 0 or 1 per lane) from three shifted loads. */
TARGET_AVX512 static inline __m512 shifted(const float *p, int64_t base, __mmask16 m, __mmask16 back, __mmask16 ahead) {
    const __m512 here = _mm512_maskz_loadu_ps(m, p + base);
    const __m512 before = _mm512_mask_loadu_ps(here, back, p + base - 1);
    return _mm512_mask_loadu_ps(before, ahead, p + base + 1);
}

TARGET_AVX512 static void warp_row_avx512(const float *restrict planes, int64_t plane, int64_t classes,
                                          const int32_t *restrict first, const int32_t *restrict right,
                                          const int32_t *restrict down, const float *restrict fx, const float *restrict fy,
                                          int64_t count, const float *restrict fresh, float keep, float *restrict output) {
    const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512 keepV = _mm512_set1_ps(keep), rest = _mm512_set1_ps(1 - keep);
    for (int64_t x = 0; x < count; x += 16) {
        const __mmask16 m = tail_mask(count - x);
        const __m512i idx = _mm512_maskz_loadu_epi32(m, first + x), r = _mm512_maskz_loadu_epi32(m, right + x);
        const __m512i d = _mm512_maskz_loadu_epi32(m, down + x);
        const int32_t base = first[x], r0 = right[x], d0 = down[x];
        const __m512i shift = _mm512_sub_epi32(idx, _mm512_add_epi32(_mm512_set1_epi32(base), lanes));
        const __mmask16 back = _mm512_mask_cmpeq_epi32_mask(m, shift, _mm512_set1_epi32(-1));
        const __mmask16 ahead = _mm512_mask_cmpeq_epi32_mask(m, shift, _mm512_set1_epi32(1));
        const __mmask16 still = _mm512_mask_cmpeq_epi32_mask(m, shift, _mm512_setzero_si512());
        const int near = (uint16_t)(back | ahead | still) == (uint16_t)m
            && _mm512_mask_cmpeq_epi32_mask(m, r, _mm512_set1_epi32(r0)) == m
            && _mm512_mask_cmpeq_epi32_mask(m, d, _mm512_set1_epi32(d0)) == m;
        const __m512 wx = _mm512_maskz_loadu_ps(m, fx + x), wy = _mm512_maskz_loadu_ps(m, fy + x);
        const __m512i idxR = _mm512_add_epi32(idx, r), idxD = _mm512_add_epi32(idx, d), idxDR = _mm512_add_epi32(idxD, r);
        for (int64_t c = 0; c < classes; c++) {
            const float *p = planes + c * plane;
            __m512 a, b, e, f;
            if (near) {
                a = shifted(p, base, m, back, ahead);
                b = shifted(p, base + r0, m, back, ahead);
                e = shifted(p, base + d0, m, back, ahead);
                f = shifted(p, base + d0 + r0, m, back, ahead);
            } else {
                a = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, p, 4);
                b = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idxR, p, 4);
                e = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idxD, p, 4);
                f = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idxDR, p, 4);
            }
            const __m512 top = _mm512_fmadd_ps(wx, _mm512_sub_ps(b, a), a);
            const __m512 bottom = _mm512_fmadd_ps(wx, _mm512_sub_ps(f, e), e);
            __m512 v = _mm512_fmadd_ps(wy, _mm512_sub_ps(bottom, top), top);
            if (fresh) v = _mm512_fmadd_ps(keepV, _mm512_maskz_loadu_ps(m, fresh + c * plane + x), _mm512_mul_ps(rest, v));
            _mm512_mask_storeu_ps(output + c * plane + x, m, v);
        }
    }
}

void ss_warp_row(const float *planes, int64_t plane, int64_t classes, const int32_t *first, const int32_t *right,
                 const int32_t *down, const float *fx, const float *fy, int64_t count, const float *fresh, float keep,
                 float *output) {
    if (ss_cpu_has_avx512()) {
        warp_row_avx512(planes, plane, classes, first, right, down, fx, fy, count, fresh, keep, output);
    } else {
        warp_row_portable(planes, plane, classes, first, right, down, fx, fy, count, fresh, keep, output);
    }
}
