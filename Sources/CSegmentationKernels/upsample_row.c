#include <stdint.h>
#include "CSegmentationKernels.h"

/* One row of a bilinear upsampling: the two source rows mixed, then read at each target
 * column's taps. Plain C that the compiler vectorises, built per instruction set and picked at
 * load time. */
__attribute__((target_clones("avx512f", "avx2", "default")))
void ss_upsample_row(const float *top, const float *bottom, float fy, int64_t source_count, const int32_t *first,
                     const int32_t *second, const float *weights, int64_t count, float *mixed, float *target) {
    for (int64_t i = 0; i < source_count; i++) mixed[i] = top[i] + fy * (bottom[i] - top[i]);
    for (int64_t x = 0; x < count; x++) {
        const float a = mixed[first[x]];
        target[x] = a + weights[x] * (mixed[second[x]] - a);
    }
}
