#include <stdint.h>
#include "CKernels.h"

/* Sum of absolute differences of two blocks; plain C that the compiler vectorises across each
 * row, built for AVX-512 and for the baseline, picked at load time. */
__attribute__((target_clones("avx512f", "default")))
float ss_block_sad(const float *a, int64_t a_stride, const float *b, int64_t b_stride, int64_t width, int64_t height) {
    float sum = 0;
    for (int64_t y = 0; y < height; y++) {
        const float *ra = a + y * a_stride, *rb = b + y * b_stride;
        float row = 0;
        for (int64_t x = 0; x < width; x++) row += __builtin_fabsf(ra[x] - rb[x]);
        sum += row;
    }
    return sum;
}
