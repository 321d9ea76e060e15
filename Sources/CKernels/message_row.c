#include <stdint.h>
#include "CKernels.h"

/* One row of the edge refinement's messages added to the logits; plain C that the compiler
 * vectorises (gathers on AVX-512), built for AVX-512 and for the baseline, picked at load time. */
__attribute__((target_clones("avx512f", "default")))
void ss_add_message_row(const float *a, const float *b, const int32_t *first, const int32_t *second,
                        const float *weights, const float *guide, float scale, int64_t count, float *target) {
    for (int64_t x = 0; x < count; x++) {
        const float f = weights[x];
        const float va = a[first[x]] + f * (a[second[x]] - a[first[x]]);
        const float vb = b[first[x]] + f * (b[second[x]] - b[first[x]]);
        target[x] += scale * (va * guide[x] + vb);
    }
}
