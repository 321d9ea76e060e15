#include <stdint.h>
#include "CKernels.h"

/* One row of motion-compensated scores: for each class plane, each output pixel x is the
 * bilinear sample of the 2x2 source pixels at first[x], + right[x], + down[x] with weights
 * fx[x], fy[x], blended with `fresh` when given. Plain C that the compiler vectorises (gathers
 * on AVX-512), built for AVX-512 and for the baseline, picked at load time. */
__attribute__((target_clones("avx512f", "default")))
void ss_warp_row(const float *restrict planes, int64_t plane, int64_t classes, const int32_t *restrict first,
                 const int32_t *restrict right, const int32_t *restrict down, const float *restrict fx,
                 const float *restrict fy, int64_t count, const float *restrict fresh, float keep, float *restrict output) {
    for (int64_t c = 0; c < classes; c++) {
        const float *restrict p = planes + c * plane;
        float *restrict out = output + c * plane;
        for (int64_t x = 0; x < count; x++) {
            const int32_t i = first[x], r = right[x], d = down[x];
            const float top = p[i] + fx[x] * (p[i + r] - p[i]);
            const float bottom = p[i + d] + fx[x] * (p[i + d + r] - p[i + d]);
            out[x] = top + fy[x] * (bottom - top);
        }
        if (fresh) {
            const float *restrict f = fresh + c * plane;
            for (int64_t x = 0; x < count; x++) out[x] = keep * f[x] + (1 - keep) * out[x];
        }
    }
}
