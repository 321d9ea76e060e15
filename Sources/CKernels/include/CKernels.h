#ifndef SEGSTREAM_CKERNELS_H
#define SEGSTREAM_CKERNELS_H

/* Inner loops of the engine's convolution, resize and arg max kernels, written with AVX-512
 * intrinsics, compiled per function with `target` attributes and used only when the CPU
 * reports AVX-512 F, so the binary still runs on CPUs without it. Swift's SIMD types
 * compile to SSE only unless the whole module is built for a newer CPU. */

#include <stdint.h>

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
} SSConvGemm;

/// Computes `rows` x `cols` outputs of every channel (AVX-512).
/// - input: the input element under tap offset 0 of output (0, 0); output row r starts at input + r * input_row.
/// - output, residual (NULL or the same layout): element (m, r, c) at m * channel_stride + r * output_row + c.
void ss_conv_gemm(const SSConvGemm *conv, const float *input, int64_t input_row,
                  float *output, const float *residual, int64_t output_row, int64_t channel_stride,
                  int64_t rows, int64_t cols);

/// One output plane of a depthwise convolution, read from a zero-padded copy of its input
/// plane in which every tap of every output is at a fixed offset:
/// output[r][c] = act(bias + residual[r][c] + sum_t weights[t] * padded[r * row_step + c + tap_offsets[t]]).
typedef struct {
    const int64_t *tap_offsets; ///< [taps]
    int64_t taps;
    int64_t row_step; ///< floats between the first taps of consecutive output rows
    int64_t rows, cols;
    SSActivation activation;
    float alpha, beta;
} SSDepthwise;

/// Computes one plane (`rows` x `cols`, row-major) into `output` (AVX-512); `residual` is NULL or the same layout.
void ss_depthwise_plane(const SSDepthwise *conv, const float *padded, const float *weights, float bias,
                        const float *residual, float *output);

/// Resize along x of one row (AVX-512): target[i] = a + (b - a) * fx[i] with a = source[x0[i]],
/// b = source[x1[i]], rounded as written (no fused multiply-add), for i < count.
void ss_interpolate_row(const float *source, const int32_t *x0, const int32_t *x1, const float *fx,
                        int64_t count, float *target);

/// Resize along y (AVX-512): target[i] = top[i] + (bottom[i] - top[i]) * fy, rounded as written, for i < count.
void ss_mix_rows(const float *top, const float *bottom, float fy, int64_t count, float *target);

/// One class of a running arg max (AVX-512): v = top + (bottom - top) * fy (rounded as written);
/// where class_index is 0 or v > best, best = v and labels = class_index, for i < count.
void ss_argmax_update(const float *top, const float *bottom, float fy, int64_t count, int64_t class_index,
                      float *best, int64_t *labels);

/// dst[i] = src[i * stride] for i < count; with `avx512` (the CPU must have it), stride 2 runs as shuffles.
void ss_gather_strided(const float *src, int64_t stride, int64_t count, float *dst, int avx512);

#endif
