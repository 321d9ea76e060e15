#ifndef SEGSTREAM_CONV_TILES_H
#define SEGSTREAM_CONV_TILES_H

#include "CKernels.h"

/* One AVX-512 tile of ss_conv_gemm: SS_CONV_BLOCK output channels (the first m_rows stored) x
 * `columns` outputs, summing over all K taps, then bias, residual and activation; with a
 * non-zero `prefetch`, also prefetches the taps that many floats further on. */
#define SS_TILE_COLUMNS 32

void ss_conv_tile_avx512(const float *weights, const int64_t *tap_offsets, int64_t taps, const float *input,
                         int64_t columns, float *output, const float *residual, int64_t channel_stride,
                         int m_rows, const float *bias, int64_t prefetch, const SSConvGemm *conv);

#endif
