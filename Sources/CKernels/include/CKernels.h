#ifndef SEGSTREAM_CKERNELS_H
#define SEGSTREAM_CKERNELS_H

/* Inner loops of the engine's convolution, resize and arg max kernels, written with AVX-512
 * intrinsics, compiled per function with `target` attributes and used only when the CPU
 * reports AVX-512 F, so the binary still runs on CPUs without it. Swift's SIMD types
 * compile to SSE only unless the whole module is built for a newer CPU. */

#include <stdint.h>

/// A hint to the CPU inside a spin-wait loop.
static inline void ss_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// The activations `ss_transcendental` computes.
typedef enum { SSTranscendentalExp, SSTranscendentalSigmoid, SSTranscendentalErf, SSTranscendentalGelu, SSTranscendentalGeluTanh } SSTranscendental;

/// y = kind(x) for `count` values (y may be x): Exp and Sigmoid to about 1 ulp, Erf and GELU to
/// 1.5e-7 absolute.
void ss_transcendental(const float *x, float *y, int64_t count, SSTranscendental kind);

/// Softmax (LogSoftmax when `log_softmax`) of each of `rows` contiguous rows of `length` values.
void ss_softmax_rows(const float *x, float *y, int64_t rows, int64_t length, int log_softmax);

/// Whether this CPU has AVX-512 F, which every function below needs (ss_gather_strided only with `avx512`).
int ss_cpu_has_avx512(void);

/// Output channels per packed weight block: weights are packed as
/// [ceil(M / SS_CONV_BLOCK)][K][SS_CONV_BLOCK], zero past M.
#define SS_CONV_BLOCK 8

/// Activations applied in the store (others are applied by the caller afterwards).
typedef enum {
    SSActivationNone = 0,
    SSActivationRelu = 1,
    SSActivationClip = 2,        ///< min(max(v, alpha), beta)
    SSActivationLeakyRelu = 3,   ///< v < 0 ? alpha * v : v
    SSActivationHardSigmoid = 4, ///< min(max(alpha * v + beta, 0), 1)
    SSActivationHardSwish = 5,   ///< v * min(max(v / 6 + 0.5, 0), 1)
} SSActivation;

/// A convolution written as a GEMM whose K "rows" are taps read straight from the input:
/// output[m][r][c] = act(bias[m] + residual[m][r][c] + sum_k W[m][k] * input[r * in_row + c + tap_offsets[k]]).
typedef struct {
    const float *weights;       ///< packed, see SS_CONV_BLOCK
    const int64_t *tap_offsets; ///< [K] element offsets into the input (channel, row and column of tap k)
    int64_t channels;           ///< M, output channels
    int64_t taps;               ///< K, input channels x kernel height x kernel width
    const float *bias;          ///< [M] or NULL
    SSActivation activation;
    float alpha, beta;
    int stream_output;          ///< store finished outputs past the caches (when aligned and K is one pass)
    float *pack;                ///< NULL, or SS_CONV_PACK_FLOATS of scratch: see ss_conv_gemm
    int64_t column_step;        ///< input columns between consecutive outputs (other than 1 only with `pack`)
} SSConvGemm;

/// Floats of scratch `SSConvGemm.pack` needs.
#define SS_CONV_PACK_FLOATS 8192

/// Memory to bring into L2 while a computation runs (the input its next call reads):
/// `count` runs of `length` floats, `stride` floats apart, from `base`.
typedef struct {
    const float *base;
    int64_t count, stride, length;
} SSPrefetchRuns;

/// Computes `rows` x `cols` outputs of every channel (AVX-512), prefetching the `upcoming`
/// runs (may be NULL when `upcoming_count` is 0) a few lines per tile as it goes. With
/// `conv->pack`, each chunk of columns is first copied tap by tap into that scratch, one row per
/// tap: taps a power-of-two plane apart would otherwise share a few cache sets and be read
/// again from memory by each block of output channels.
/// - input: the input element under tap offset 0 of output (0, 0); output row r starts at input + r * input_row.
/// - output, residual (NULL or the same layout): element (m, r, c) at m * channel_stride + r * output_row + c.
void ss_conv_gemm(const SSConvGemm *conv, const float *input, int64_t input_row,
                  float *output, const float *residual, int64_t output_row, int64_t channel_stride,
                  int64_t rows, int64_t cols, const SSPrefetchRuns *upcoming, int64_t upcoming_count);

/// A dense convolution computed with output channels in the vector lanes: each weight vector
/// holds 16 output channels of one tap, each input element is broadcast, so any stride,
/// dilation and padding reads the input in place (no padded copy, no bounds checks inside).
typedef struct {
    const float *weights;  ///< [in_channels][kh][kw][16 * vectors], zero past `channels`
    int64_t in_channels, kh, kw;
    int64_t in_h, in_w, out_w;
    int64_t stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
    int64_t channels;      ///< output channels computed, at most 16 * vectors
    int vectors;           ///< 3 or 4
    int64_t channel_block; ///< input channels summed per pass over the row (their weights stay in L1)
    SSActivation activation;
    float alpha, beta;
    int stream_output;     ///< store whole aligned vectors past the caches
} SSConvLanes;

/// Output row `y` of every channel (AVX-512): output[o * out_plane + x] = act(bias[o] +
/// residual[o * out_plane + x] + sum over input channels i and taps (ky, kx) inside the input of
/// weight(i, ky, kx, o) * planes[i][(y * stride_h - pad_top + ky * dilation_h) * in_w + x * stride_w
/// - pad_left + kx * dilation_w]), for o < channels and x < out_w. bias and residual may be NULL;
/// `scratch` holds out_w x 16 * vectors floats. With `next_y` >= 0, it also prefetches into
/// L2, a few lines per tile, the input rows that output row `next_y` (below y) reads and row y does not.
void ss_conv_lanes_row(const SSConvLanes *conv, const float *const *planes, int64_t y, int64_t next_y,
                       const float *bias, const float *residual, float *output, int64_t out_plane, float *scratch);

/// A 3x3, stride-1 convolution computed as Winograd F(2x2, 3x3): each 2x2 block of outputs
/// (a tile) comes from a 4x4 block of inputs, as 16 products (one per position `xi` of the
/// transformed 4x4 block) instead of 36. With dilation d, a tile's outputs and inputs lie d
/// apart: tile row r holds output rows 2d(r / d) + r % d and that + d; a block of `count`
/// super-columns from `first` holds d x count tiles, tile k the one of output columns
/// 2d (first + k % count) + k / count and that + d. Transformed blocks are laid out
/// [16][channels][tile_stride]: position, channel, then tile.
typedef struct {
    int64_t in_channels, in_h, in_w, out_h, out_w;
    int64_t pad_top, pad_left, dilation;
    int64_t tile_stride;   ///< at least dilation x count (transforms read and write only the tiles they cover)
    SSActivation activation;
    float alpha, beta;
} SSWinograd;

/// Transforms the input blocks of the tiles of tile row `tile_row` and super-columns
/// [first, first + count) of every input channel into `v` [16][in_channels][tile_stride]
/// (AVX-512). Inputs outside the planes read as zero.
void ss_winograd_input(const SSWinograd *conv, const float *const *planes, int64_t tile_row, int64_t first,
                       int64_t count, float *v);

/// Transforms the products `m` [16][channels][tile_stride] of those tiles back into outputs
/// (AVX-512): output[o * out_plane + y * out_w + x] = act(bias[o] + residual[same] + ...) for the
/// tiles' outputs inside the output plane. bias and residual may be NULL.
void ss_winograd_output(const SSWinograd *conv, const float *m, int64_t channels, int64_t tile_row, int64_t first,
                        int64_t count, const float *bias, const float *residual, float *output, int64_t out_plane);

/// The geometry of one plane of a depthwise convolution read straight from its input.
typedef struct {
    int64_t in_h, in_w, out_h, out_w;
    int64_t kh, kw;
    int64_t stride_h, stride_w; ///< stride_w 1 or 2
    int64_t dilation_h, dilation_w;
    int64_t pad_top, pad_left;  ///< columns and rows before the input's first (read as zero)
    SSActivation activation;
    float alpha, beta;
    int64_t ring_rows;          ///< input row r lies at row (ring_first + r) % ring_rows of `input` (0 <= ring_first < ring_rows;
    int64_t ring_first;         ///< a plane in place: ring_rows INT64_MAX, ring_first 0)
} SSDepthwiseDirect;

/// One output plane of a depthwise convolution (AVX-512), output row-major out_h x out_w:
/// output[r][c] = act(bias + residual[r][c] + sum weights[ky][kx] * input[r * stride_h - pad_top + ky * dilation_h]
/// [c * stride_w - pad_left + kx * dilation_w]), taps outside the input counting as zero; `residual` is NULL or the output's layout.
void ss_depthwise_direct(const SSDepthwiseDirect *conv, const float *input, const float *weights, float bias,
                         const float *residual, float *output);

/// `ss_depthwise_direct` for `channels` planes one after another without residual: plane c reads
/// input + c * input_stride with weights + c * kh * kw and bias[c] (bias NULL: none), and writes
/// output + c * output_stride.
void ss_depthwise_direct_channels(const SSDepthwiseDirect *conv, int64_t channels, const float *input, int64_t input_stride,
                                  const float *weights, const float *bias, float *output, int64_t output_stride);

/// Resize along x of one row (AVX-512): target[i] = a + (b - a) * fx[i] with a = source[x0[i]],
/// b = source[x1[i]], rounded as written (no fused multiply-add), for i < count.
void ss_interpolate_row(const float *source, const int32_t *x0, const int32_t *x1, const float *fx,
                        int64_t count, float *target);

/// Resize along y (AVX-512): target[i] = top[i] + (bottom[i] - top[i]) * fy, rounded as written, for i < count.
void ss_mix_rows(const float *top, const float *bottom, float fy, int64_t count, float *target);

/// One output row of a 2x2, stride-2 max pool (AVX-512): out[i] = the maximum of top[2i],
/// top[2i + 1], bottom[2i] and bottom[2i + 1], for i < count.
void ss_max_pool_2x2_row(const float *top, const float *bottom, int64_t count, float *out);

/// One class of a running arg max (AVX-512): v = top + (bottom - top) * fy (rounded as written);
/// where class_index is 0 or v > best, best = v and labels = class_index, for i < count.
void ss_argmax_update(const float *top, const float *bottom, float fy, int64_t count, int64_t class_index,
                      float *best, int64_t *labels);

/// dst[i] = src[i * stride] for i < count; with `avx512` (the CPU must have it), stride 2 runs as shuffles.
void ss_gather_strided(const float *src, int64_t stride, int64_t count, float *dst, int avx512);

/// Makes glibc serve large blocks (over its 32 MiB mmap limit) from one heap and keep freed
/// ones: frame-sized buffers allocated for every batch (model outputs, class scores) then
/// reuse memory instead of being mapped, page-faulted in and unmapped each time.
void ss_keep_large_buffers_in_heap(void);

#endif
