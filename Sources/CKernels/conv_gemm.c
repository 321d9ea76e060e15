#include <string.h>
#include "CKernels.h"
#include "conv_tiles.h"

int ss_cpu_has_avx512(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
}

/* Copies the K taps of columns [c0, c1) into `pack` (tap k at pack + k * SS_CONV_CHUNK), so
 * every block of output channels then reads one contiguous panel instead of K strided rows
 * (planes whose stride is a multiple of 4 KiB would all fall into the same cache sets). */
static void pack_chunk(const SSConvGemm *conv, const float *in, int64_t c0, int64_t c1, float *pack) {
    const size_t bytes = (size_t)(c1 - c0) * sizeof(float);
    for (int64_t k = 0; k < conv->taps; k++) memcpy(pack + k * SS_CONV_CHUNK, in + conv->tap_offsets[k] + c0, bytes);
}

void ss_conv_gemm(const SSConvGemm *conv, const float *input, int64_t input_row,
                  float *output, const float *residual, int64_t output_row, int64_t channel_stride,
                  int64_t rows, int64_t cols, float *pack) {
    const int64_t width = SS_TILE_COLUMNS;
    const int64_t m_total = conv->channels, k = conv->taps, chunk = SS_CONV_CHUNK;
    const int64_t *offsets = pack ? conv->pack_offsets : conv->tap_offsets;
    for (int64_t r = 0; r < rows; r++) {
        const float *in = input + r * input_row;
        for (int64_t c0 = 0; c0 < cols; c0 += chunk) {
            const int64_t c1 = c0 + chunk < cols ? c0 + chunk : cols;
            if (pack) pack_chunk(conv, in, c0, c1, pack);
            const float *source = pack ? pack - c0 : in;
            for (int64_t m = 0; m < m_total; m += SS_CONV_BLOCK) {
                const int m_rows = m_total - m < SS_CONV_BLOCK ? (int)(m_total - m) : SS_CONV_BLOCK;
                const int64_t at = m * channel_stride + r * output_row;
                for (int64_t c = c0; c < c1; c += width) {
                    ss_conv_tile_avx512(conv->weights + m * k, offsets, k, source + c, c1 - c < width ? c1 - c : width,
                                        output + at + c, residual ? residual + at + c : 0, channel_stride, m_rows,
                                        conv->bias ? conv->bias + m : 0, !pack && m == 0 ? chunk : 0, conv);
                }
            }
        }
    }
}
