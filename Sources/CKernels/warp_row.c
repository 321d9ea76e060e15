#include <stdint.h>
#include "CKernels.h"

#define SPAN 16

/* Bilinear samples of one plane for pixels [x, x + n): gathers in general; where the span's
 * source pixels are consecutive with the same neighbour offsets (motion is smooth, so most
 * spans), plain loads. */
static inline void warp_span(const float *restrict p, const int32_t *restrict first, const int32_t *restrict right,
                             const int32_t *restrict down, const float *restrict fx, const float *restrict fy, int64_t n,
                             const float *restrict fresh, float keep, float *restrict out) {
    int consecutive = n == SPAN;
    for (int64_t k = 1; consecutive && k < n; k++) {
        consecutive = first[k] == first[0] + k && right[k] == right[0] && down[k] == down[0];
    }
    if (consecutive) {
        const float *restrict q = p + first[0];
        const int32_t r = right[0], d = down[0];
        for (int64_t k = 0; k < SPAN; k++) {
            const float top = q[k] + fx[k] * (q[k + r] - q[k]);
            const float bottom = q[k + d] + fx[k] * (q[k + d + r] - q[k + d]);
            const float v = top + fy[k] * (bottom - top);
            out[k] = fresh ? keep * fresh[k] + (1 - keep) * v : v;
        }
    } else {
        for (int64_t k = 0; k < n; k++) {
            const int32_t i = first[k], r = right[k], d = down[k];
            const float top = p[i] + fx[k] * (p[i + r] - p[i]);
            const float bottom = p[i + d] + fx[k] * (p[i + d + r] - p[i + d]);
            const float v = top + fy[k] * (bottom - top);
            out[k] = fresh ? keep * fresh[k] + (1 - keep) * v : v;
        }
    }
}

/* One row of motion-compensated scores, class plane after class plane. Plain C that the
 * compiler vectorises, built per instruction set and picked at load time. */
__attribute__((target_clones("avx512f", "avx2", "default")))
void ss_warp_row(const float *restrict planes, int64_t plane, int64_t classes, const int32_t *restrict first,
                 const int32_t *restrict right, const int32_t *restrict down, const float *restrict fx,
                 const float *restrict fy, int64_t count, const float *restrict fresh, float keep, float *restrict output) {
    for (int64_t c = 0; c < classes; c++) {
        const float *restrict p = planes + c * plane;
        const float *restrict f = fresh ? fresh + c * plane : 0;
        float *restrict out = output + c * plane;
        for (int64_t x = 0; x < count; x += SPAN) {
            const int64_t n = count - x < SPAN ? count - x : SPAN;
            warp_span(p, first + x, right + x, down + x, fx + x, fy + x, n, f ? f + x : 0, keep, out + x);
        }
    }
}
