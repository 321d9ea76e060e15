#include <stdint.h>
#include "CSegmentationKernels.h"

/* Row of block sums for the edge refinement's downsampling; plain C that the compiler
 * vectorises, built for AVX-512 and for the baseline, picked at load time. */
__attribute__((target_clones("avx512f", "default")))
void ss_add_block_sums(const float *row, int64_t width, int64_t factor, float *low) {
    const int64_t whole = width / factor;
    if (factor == 2) {
        for (int64_t i = 0; i < whole; i++) low[i] += row[2 * i] + row[2 * i + 1];
    } else {
        for (int64_t i = 0; i < whole; i++) {
            float sum = 0;
            for (int64_t k = 0; k < factor; k++) sum += row[i * factor + k];
            low[i] += sum;
        }
    }
    if (whole * factor < width) {
        float sum = 0;
        for (int64_t x = whole * factor; x < width; x++) sum += row[x];
        low[whole] += sum;
    }
}
