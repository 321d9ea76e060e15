#ifndef SEGSTREAM_SEGMENTATION_AVX512_H
#define SEGSTREAM_SEGMENTATION_AVX512_H

#include <immintrin.h>
#include "CKernels.h"
#include "CSegmentationKernels.h"

/* The per-function target attribute of the AVX-512 builds, and the lanes of a 16-lane block that
 * hold the `left` elements still to do. */
#define TARGET_AVX512 __attribute__((target("avx512f")))

TARGET_AVX512 static inline __mmask16 tail_mask(int64_t left) {
    return left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
}

#endif
