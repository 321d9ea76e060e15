#include <stdint.h>
#include "CSegmentationKernels.h"

/* Sum of absolute differences of two blocks, in 16 partial sums so that the compiler vectorises
 * each row; built for AVX-512 and for the baseline, picked at load time. */
__attribute__((target_clones("avx512f", "default")))
float ss_block_sad(const float *a, int64_t a_stride, const float *b, int64_t b_stride, int64_t width, int64_t height) {
    float partial[16] = {0}, sum = 0;
    for (int64_t y = 0; y < height; y++) {
        const float *ra = a + y * a_stride, *rb = b + y * b_stride;
        int64_t x = 0;
        for (; x + 16 <= width; x += 16) {
            for (int k = 0; k < 16; k++) partial[k] += __builtin_fabsf(ra[x + k] - rb[x + k]);
        }
        for (; x < width; x++) sum += __builtin_fabsf(ra[x] - rb[x]);
    }
    for (int k = 0; k < 16; k++) sum += partial[k];
    return sum;
}
