#include "avx512.h"

/* Straight from the unpadded input plane: 64 outputs of one row, or of two rows sharing their
 * input loads, at a time in four accumulators per row.
 * Blocks whose every load lies inside the plane use plain loads; the others mask the lanes
 * that fall outside it (masked lanes read as zero, like padding, and never fault). */

enum { LANES = 16, VECTORS = 4, SPAN = LANES * VECTORS };

/* A kernel shape known at compile time: k x k taps at stride `stride` both ways, undilated; k 0 when read from the conv. */
typedef struct {
    int64_t k, stride;
} Shape;

/* The lanes j of a 16-lane load at column `first` with 0 <= first + j < width. */
TARGET_AVX512 static inline __mmask16 columns_mask(int64_t first, int64_t width) {
    const int64_t lo = first < 0 ? (-first < LANES ? -first : LANES) : 0, hi = width - first;
    if (hi <= lo) return 0;
    const uint32_t below_hi = hi >= LANES ? 0xFFFFu : (1u << hi) - 1;
    return (__mmask16)(below_hi & ~((1u << lo) - 1));
}

/* Inputs row[ix + j * stride] of 16 consecutive outputs (stride 1 or 2), with masks for the one or two loads. */
TARGET_AVX512 static inline __m512 tap_inputs(const float *row, int64_t ix, int stride, __mmask16 m0, __mmask16 m1) {
    if (stride == 1) return _mm512_maskz_loadu_ps(m0, row + ix);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(m0, row + ix), even, _mm512_maskz_loadu_ps(m1, row + ix + LANES));
}

/* Input row iy (0 <= iy < in_h), in the ring (a plane in place is a ring too long to wrap). */
static inline const float *input_row(const SSDepthwiseDirect *g, const float *input, int64_t iy) {
    const int64_t slot = g->ring_first + iy;
    return input + (slot < g->ring_rows ? slot : slot - g->ring_rows) * g->in_w;
}

/* Outputs [ox, ox + SPAN) of output rows oy..<oy + rows (rows 1, or 2 when dilation_h is 1 and
 * stride_h below kh: the two rows then share the loads of the kh - stride_h input rows both
 * read), those below out_w when `masked`. Taps run column by column so a masked block computes
 * each column's masks once for all kernel rows. */
TARGET_AVX512 static inline __attribute__((always_inline)) void block(const SSDepthwiseDirect *g, const float *input,
        const float *weights, float bias, const float *residual, float *output, int64_t oy, int64_t ox, int stride,
        int masked, int rows, Shape shape) {
    const int64_t kh = shape.k ? shape.k : g->kh, kw = shape.k ? shape.k : g->kw;
    const int64_t stride_h = shape.k ? shape.stride : g->stride_h, dilation_h = shape.k ? 1 : g->dilation_h;
    __m512 acc[2][VECTORS];
    for (int v = 0; v < VECTORS; v++) acc[0][v] = acc[1][v] = _mm512_set1_ps(bias);
    /* Input row t of the window: tap row t of output row oy and tap row t - stride_h of row oy + 1. */
    const int64_t window = kh + (rows - 1) * stride_h;
    for (int64_t kx = 0; kx < kw; kx++) {
        const int64_t ix = ox * stride - g->pad_left + kx * g->dilation_w;
        __mmask16 m0[VECTORS], m1[VECTORS];
        for (int v = 0; v < VECTORS; v++) {
            const int64_t first = ix + v * LANES * stride;
            m0[v] = masked ? columns_mask(first, g->in_w) : 0xFFFF;
            m1[v] = masked ? columns_mask(first + LANES, g->in_w) : 0xFFFF;
        }
        for (int64_t t = 0; t < window; t++) {
            const int64_t iy = oy * stride_h - g->pad_top + t * dilation_h;
            if (masked && (iy < 0 || iy >= g->in_h)) continue;
            const float *row = input_row(g, input, iy);
            __m512 x[VECTORS];
            for (int v = 0; v < VECTORS; v++) x[v] = tap_inputs(row, ix + v * LANES * stride, stride, m0[v], m1[v]);
            if (t < kh) {
                const __m512 w = _mm512_set1_ps(weights[t * kw + kx]);
                for (int v = 0; v < VECTORS; v++) acc[0][v] = _mm512_fmadd_ps(w, x[v], acc[0][v]);
            }
            if (rows == 2 && t >= stride_h) {
                const __m512 w = _mm512_set1_ps(weights[(t - stride_h) * kw + kx]);
                for (int v = 0; v < VECTORS; v++) acc[1][v] = _mm512_fmadd_ps(w, x[v], acc[1][v]);
            }
        }
    }
    for (int r = 0; r < rows; r++) {
        for (int v = 0; v < VECTORS; v++) {
            const int64_t at = (oy + r) * g->out_w + ox + v * LANES;
            const __mmask16 m = masked ? tail_mask(g->out_w - ox - v * LANES) : 0xFFFF;
            __m512 y = acc[r][v];
            if (residual) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(m, residual + at));
            _mm512_mask_storeu_ps(output + at, m, activate_avx512(y, g->activation, g->alpha, g->beta));
        }
    }
}

/* Two rows at a time where they share input rows, else one. Blocks whose window lies inside the
 * plane (rows and columns) skip every bound check. */
TARGET_AVX512 static inline __attribute__((always_inline)) void plane(const SSDepthwiseDirect *g, const float *input,
        const float *weights, float bias, const float *residual, float *output, int stride, Shape shape) {
    const int64_t reach = (g->kw - 1) * g->dilation_w - g->pad_left - 1; /* last column a block's loads touch, past (ox + SPAN) * stride */
    for (int64_t oy = 0; oy < g->out_h;) {
        const int rows = g->dilation_h == 1 && g->stride_h < g->kh && oy + 1 < g->out_h ? 2 : 1;
        const int64_t top = oy * g->stride_h - g->pad_top, bottom = (oy + rows - 1) * g->stride_h - g->pad_top + (g->kh - 1) * g->dilation_h;
        const int rows_inside = top >= 0 && bottom < g->in_h;
        for (int64_t ox = 0; ox < g->out_w; ox += SPAN) {
            const int inside = rows_inside && ox * stride >= g->pad_left && ox + SPAN <= g->out_w && (ox + SPAN) * stride + reach < g->in_w;
            if (inside && rows == 2) block(g, input, weights, bias, residual, output, oy, ox, stride, 0, 2, shape);
            else if (inside) block(g, input, weights, bias, residual, output, oy, ox, stride, 0, 1, shape);
            else block(g, input, weights, bias, residual, output, oy, ox, stride, 1, rows, shape);
        }
        oy += rows;
    }
}

/* Square kernels of 3 or 5 at equal strides of 1 or 2, undilated, get their own copies of `plane`
 * with every window loop unrolled; other shapes run the general one. */
TARGET_AVX512 void ss_depthwise_direct(const SSDepthwiseDirect *conv, const float *input, const float *weights, float bias,
                                       const float *residual, float *output) {
    const int square = conv->kh == conv->kw && conv->stride_h == conv->stride_w && conv->dilation_h == 1 && conv->dilation_w == 1;
    const int64_t k = square && (conv->kh == 3 || conv->kh == 5) ? conv->kh : 0;
    if (k == 3 && conv->stride_w == 1) plane(conv, input, weights, bias, residual, output, 1, (Shape){3, 1});
    else if (k == 3) plane(conv, input, weights, bias, residual, output, 2, (Shape){3, 2});
    else if (k == 5 && conv->stride_w == 1) plane(conv, input, weights, bias, residual, output, 1, (Shape){5, 1});
    else if (k == 5) plane(conv, input, weights, bias, residual, output, 2, (Shape){5, 2});
    else if (conv->stride_w == 1) plane(conv, input, weights, bias, residual, output, 1, (Shape){0, 0});
    else plane(conv, input, weights, bias, residual, output, 2, (Shape){0, 0});
}

TARGET_AVX512 void ss_depthwise_direct_channels(const SSDepthwiseDirect *conv, int64_t channels, const float *input, int64_t input_stride,
                                                const float *weights, const float *bias, float *output, int64_t output_stride) {
    const int64_t taps = conv->kh * conv->kw;
    for (int64_t c = 0; c < channels; c++)
        ss_depthwise_direct(conv, input + c * input_stride, weights + c * taps, bias ? bias[c] : 0, 0, output + c * output_stride);
}
