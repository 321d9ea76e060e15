#include <stdint.h>
#include <stddef.h>
#include "CSegmentationKernels.h"

/* One class's step of a running arg max over a span of an output row, its values brought up
 * bilinearly from a lower resolution (plus a guided term). Plain C that the compiler vectorises
 * (gathers on AVX-512 and AVX2), built per instruction set and picked at load time. */
__attribute__((target_clones("avx512f", "avx2", "default")))
void ss_guided_argmax_span(const float *t_top, const float *t_bottom, const float *a_top, const float *a_bottom, float fy,
                           const int32_t *first, const int32_t *second, const float *weights, const float *guide,
                           int64_t count, int first_class, uint8_t class_id, float *best, uint8_t *labels) {
    for (int64_t x = 0; x < count; x++) {
        const int32_t f = first[x], s = second[x];
        const float w = weights[x];
        const float top = t_top[f] + w * (t_top[s] - t_top[f]);
        const float bottom = t_bottom[f] + w * (t_bottom[s] - t_bottom[f]);
        float v = top + fy * (bottom - top);
        if (a_top != NULL) {
            const float at = a_top[f] + w * (a_top[s] - a_top[f]);
            const float ab = a_bottom[f] + w * (a_bottom[s] - a_bottom[f]);
            v += (at + fy * (ab - at)) * guide[x];
        }
        if (first_class || v > best[x]) {
            best[x] = v;
            labels[x] = class_id;
        }
    }
}
