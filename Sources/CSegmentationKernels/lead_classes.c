#include <float.h>
#include <stdint.h>
#include <stddef.h>
#include "avx512_target.h"

/* Per pixel of class planes: the class with the highest lower bound and by how much that bound
 * clears every other class's upper bound. Sixteen pixels at a time with every running value in
 * registers (AVX-512), or pixel by pixel. */

static void lead_classes_portable(const float *values, const float *slopes, const uint8_t *has_slope, int64_t classes,
                                  int64_t plane, int64_t count, uint8_t *lead, float *clearance) {
    for (int64_t i = 0; i < count; i++) {
        float lowest = -FLT_MAX, highest = -FLT_MAX, second = -FLT_MAX;
        int32_t leader = 0, top = -1;
        for (int64_t c = 0; c < classes; c++) {
            const float t = values[c * plane + i];
            const float a = slopes != NULL && has_slope[c] ? slopes[c * plane + i] : 0.0f;
            const float low = t + (a < 0.0f ? a : 0.0f), high = t + (a > 0.0f ? a : 0.0f);
            if (high > highest) { second = highest; highest = high; top = (int32_t)c; } else if (high > second) { second = high; }
            if (low > lowest) { lowest = low; leader = (int32_t)c; }
        }
        lead[i] = (uint8_t)leader;
        clearance[i] = lowest - (top == leader ? second : highest);
    }
}

TARGET_AVX512 static void lead_classes_avx512(const float *values, const float *slopes, const uint8_t *has_slope, int64_t classes,
                                              int64_t plane, int64_t count, uint8_t *lead, float *clearance) {
    const __m512 zero = _mm512_setzero_ps();
    for (int64_t i = 0; i < count; i += 16) {
        const __mmask16 m = tail_mask(count - i);
        __m512 lowest = _mm512_set1_ps(-FLT_MAX), highest = lowest, second = lowest;
        __m512i leader = _mm512_setzero_si512(), top = _mm512_set1_epi32(-1);
        for (int64_t c = 0; c < classes; c++) {
            const __m512 t = _mm512_maskz_loadu_ps(m, values + c * plane + i);
            const __m512 a = slopes != NULL && has_slope[c] ? _mm512_maskz_loadu_ps(m, slopes + c * plane + i) : zero;
            const __m512 low = _mm512_add_ps(t, _mm512_min_ps(a, zero)), high = _mm512_add_ps(t, _mm512_max_ps(a, zero));
            const __m512i k = _mm512_set1_epi32((int32_t)c);
            const __mmask16 raises = _mm512_cmp_ps_mask(high, highest, _CMP_GT_OQ);
            second = _mm512_mask_blend_ps(raises, _mm512_max_ps(second, high), highest);
            highest = _mm512_mask_blend_ps(raises, highest, high);
            top = _mm512_mask_blend_epi32(raises, top, k);
            const __mmask16 leads = _mm512_cmp_ps_mask(low, lowest, _CMP_GT_OQ);
            lowest = _mm512_mask_blend_ps(leads, lowest, low);
            leader = _mm512_mask_blend_epi32(leads, leader, k);
        }
        const __mmask16 same = _mm512_cmpeq_epi32_mask(top, leader);
        _mm512_mask_storeu_ps(clearance + i, m, _mm512_sub_ps(lowest, _mm512_mask_blend_ps(same, highest, second)));
        uint8_t ids[16];
        _mm_storeu_si128((__m128i *)ids, _mm512_cvtepi32_epi8(leader));
        for (int64_t k = 0; k < 16 && i + k < count; k++) lead[i + k] = ids[k];
    }
}

void ss_lead_classes(const float *values, const float *slopes, const uint8_t *has_slope, int64_t classes, int64_t plane,
                     int64_t count, uint8_t *lead, float *clearance) {
    if (ss_cpu_has_avx512()) {
        lead_classes_avx512(values, slopes, has_slope, classes, plane, count, lead, clearance);
    } else {
        lead_classes_portable(values, slopes, has_slope, classes, plane, count, lead, clearance);
    }
}
