#include "avx512.h"
#include "conv_tiles.h"

/* 8 channels x 32 columns in 16 accumulators; each tap loads two input vectors and
 * broadcasts 8 weights. Masked loads and stores cover a short last tile. */
TARGET_AVX512 void ss_conv_tile_avx512(const float *weights, const int64_t *tap_offsets, int64_t taps, const float *input,
                                       int64_t columns, float *output, const float *residual, int64_t channel_stride,
                                       int m_rows, const float *bias, int64_t prefetch, const char *upcoming,
                                       int64_t upcoming_lines, int stage, const SSConvGemm *conv) {
    const __mmask16 lo = tail_mask(columns), hi = tail_mask(columns - 16);
    __m512 acc[SS_CONV_BLOCK][2];
    for (int r = 0; r < SS_CONV_BLOCK; r++) {
        if (stage & SS_TILE_RESUME && r < m_rows) {
            acc[r][0] = _mm512_maskz_loadu_ps(lo, output + r * channel_stride);
            acc[r][1] = _mm512_maskz_loadu_ps(hi, output + r * channel_stride + 16);
        } else {
            acc[r][0] = acc[r][1] = _mm512_setzero_ps();
        }
    }
    /* The upcoming lines spread evenly over the taps, so that their misses overlap the FMAs. */
    const int64_t spacing = upcoming_lines ? taps / upcoming_lines : 0;
    int64_t next_line_at = 0;
    const char *next_line = upcoming, *const upcoming_end = upcoming + 64 * upcoming_lines;
    for (int64_t k = 0; k < taps; k++) {
        const float *p = input + tap_offsets[k], *w = weights + k * SS_CONV_BLOCK;
        const __m512 x0 = _mm512_maskz_loadu_ps(lo, p), x1 = _mm512_maskz_loadu_ps(hi, p + 16);
        if (prefetch) {
            _mm_prefetch((const char *)(p + prefetch), _MM_HINT_T0);
            _mm_prefetch((const char *)(p + prefetch + 16), _MM_HINT_T0);
        }
        if (k == next_line_at && next_line < upcoming_end) {
            _mm_prefetch(next_line, _MM_HINT_T1);
            next_line += 64;
            next_line_at += spacing;
        }
        for (int r = 0; r < SS_CONV_BLOCK; r++) {
            const __m512 wr = _mm512_set1_ps(w[r]);
            acc[r][0] = _mm512_fmadd_ps(wr, x0, acc[r][0]);
            acc[r][1] = _mm512_fmadd_ps(wr, x1, acc[r][1]);
        }
    }
    for (int r = 0; r < m_rows; r++) {
        float *out = output + r * channel_stride;
        __m512 v0 = acc[r][0], v1 = acc[r][1];
        if (stage & SS_TILE_FINISH) {
            if (bias) {
                const __m512 b = _mm512_set1_ps(bias[r]);
                v0 = _mm512_add_ps(v0, b);
                v1 = _mm512_add_ps(v1, b);
            }
            if (residual) {
                const float *res = residual + r * channel_stride;
                v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(lo, res));
                v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(hi, res + 16));
            }
            v0 = activate_avx512(v0, conv->activation, conv->alpha, conv->beta);
            v1 = activate_avx512(v1, conv->activation, conv->alpha, conv->beta);
        }
        if (stage & SS_TILE_STREAM && hi == 0xFFFF && ((uintptr_t)out & 63) == 0) {
            _mm512_stream_ps(out, v0);
            _mm512_stream_ps(out + 16, v1);
        } else {
            _mm512_mask_storeu_ps(out, lo, v0);
            _mm512_mask_storeu_ps(out + 16, hi, v1);
        }
    }
}
