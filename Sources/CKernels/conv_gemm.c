#include "CKernels.h"
#include "conv_tiles.h"

int ss_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
}

/* Tiles per chunk of columns: one chunk of input taps (K x chunk floats) is reused from
 * cache by every block of output channels before the next chunk is read; the first block
 * prefetches the next chunk. */
enum { CHUNK_TILES = 4 };

void ss_conv_gemm(const SSConvGemm *conv, const float *input, int64_t input_row,
                  float *output, const float *residual, int64_t output_row, int64_t channel_stride,
                  int64_t rows, int64_t cols) {
    const int64_t width = SS_TILE_COLUMNS;
    const int64_t m_total = conv->channels, k = conv->taps, chunk = CHUNK_TILES * width;
    for (int64_t r = 0; r < rows; r++) {
        const float *in = input + r * input_row;
        for (int64_t c0 = 0; c0 < cols; c0 += chunk) {
            const int64_t c1 = c0 + chunk < cols ? c0 + chunk : cols;
            for (int64_t m = 0; m < m_total; m += SS_CONV_BLOCK) {
                const int m_rows = m_total - m < SS_CONV_BLOCK ? (int)(m_total - m) : SS_CONV_BLOCK;
                const int64_t at = m * channel_stride + r * output_row;
                for (int64_t c = c0; c < c1; c += width) {
                    ss_conv_tile_avx512(conv->weights + m * k, conv->tap_offsets, k, in + c, c1 - c < width ? c1 - c : width,
                                        output + at + c, residual ? residual + at + c : 0, channel_stride, m_rows,
                                        conv->bias ? conv->bias + m : 0, m == 0 ? chunk : 0, conv);
                }
            }
        }
    }
}
