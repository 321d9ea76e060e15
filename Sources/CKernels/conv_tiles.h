#ifndef SEGSTREAM_CONV_TILES_H
#define SEGSTREAM_CONV_TILES_H

#include "CKernels.h"

#define SS_TILE_COLUMNS 32

/* Which part of the sum over K a tile call computes (`stage` flags): with SS_TILE_RESUME it adds
 * to the partial sums already in `output`, with SS_TILE_FINISH it applies the epilogue as it
 * stores, with SS_TILE_STREAM too it streams whole aligned stores past the caches. */
enum { SS_TILE_RESUME = 1, SS_TILE_FINISH = 2, SS_TILE_STREAM = 4 };

/* One AVX-512 tile of ss_conv_gemm: SS_CONV_BLOCK output channels (the first m_rows stored) x
 * `columns` outputs, summing over `taps` taps, then (when finishing) bias, residual and
 * activation; with a non-zero `prefetch`, also prefetches the taps that many floats further on,
 * and, spread over the taps, the `upcoming_lines` (at most `taps`) cache lines from `upcoming` into L2. */
void ss_conv_tile_avx512(const float *weights, const int64_t *tap_offsets, int64_t taps, const float *input,
                         int64_t columns, float *output, const float *residual, int64_t channel_stride,
                         int m_rows, const float *bias, int64_t prefetch, const char *upcoming, int64_t upcoming_lines,
                         int stage, const SSConvGemm *conv);

/* Copies `columns` floats `step` apart from input + tap_offsets[t] to pack + t * pack_row, for each
 * of `taps` taps, prefetching into L2 the floats `prefetch` further on in the input. */
void ss_conv_pack_avx512(const float *input, const int64_t *tap_offsets, int64_t taps, int64_t columns, int64_t step,
                         float *pack, int64_t pack_row, int64_t prefetch);

#endif
