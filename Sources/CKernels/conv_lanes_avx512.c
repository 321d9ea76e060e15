#include "avx512.h"

/* One output row: the conv, where its kernel rows lie in the input, and its partial sums. */
typedef struct {
    const SSConvLanes *conv;
    const float *const *planes;
    int64_t top;                /* the input row of kernel row 0 (may be above the input) */
    int64_t ky0, ky1;           /* kernel rows inside the input */
    int64_t lanes;              /* 16 x vectors: floats per output in `scratch` */
    float *scratch;             /* [out_w][lanes] partial sums */
} Row;

/* N outputs from column x0 on, V vectors of output channels each, summed over input channels
 * [ic0, ic1) and kernel columns [kx0, kx1) (the same for all N), added to the partial sums in
 * scratch when `resume`. SW is the horizontal stride, or 0 to read it from the conv. */
TARGET_AVX512 static inline __attribute__((always_inline)) void
lanes_tile(const Row *row, int64_t ic0, int64_t ic1, int64_t x0, int64_t kx0, int64_t kx1, int resume,
           const int N, const int V, const int SW) {
    const SSConvLanes *c = row->conv;
    const int64_t lanes = row->lanes, sw = SW ? SW : c->stride_w, dw = c->dilation_w;
    float *sums = row->scratch + x0 * lanes;
    __m512 acc[8][4]; /* fixed sizes (N <= 8, V <= 4): the compiler keeps the used ones in registers */
    _Pragma("unroll")
    for (int p = 0; p < N; p++)
        _Pragma("unroll")
        for (int v = 0; v < V; v++) acc[p][v] = resume ? _mm512_loadu_ps(sums + p * lanes + 16 * v) : _mm512_setzero_ps();
    const int64_t column = x0 * sw - c->pad_left + kx0 * dw;
    for (int64_t ic = ic0; ic < ic1; ic++) {
        for (int64_t ky = row->ky0; ky < row->ky1; ky++) {
            const float *in = row->planes[ic] + (row->top + ky * c->dilation_h) * c->in_w + column;
            const float *w = c->weights + ((ic * c->kh + ky) * c->kw + kx0) * lanes;
            for (int64_t kx = kx0; kx < kx1; kx++, in += dw, w += lanes) {
                __m512 wv[4];
                _Pragma("unroll")
                for (int v = 0; v < V; v++) wv[v] = _mm512_loadu_ps(w + 16 * v);
                _Pragma("unroll")
                for (int p = 0; p < N; p++) {
                    const __m512 x = _mm512_set1_ps(in[p * sw]);
                    _Pragma("unroll")
                    for (int v = 0; v < V; v++) acc[p][v] = _mm512_fmadd_ps(wv[v], x, acc[p][v]);
                }
            }
        }
    }
    _Pragma("unroll")
    for (int p = 0; p < N; p++)
        _Pragma("unroll")
        for (int v = 0; v < V; v++) _mm512_storeu_ps(sums + p * lanes + 16 * v, acc[p][v]);
}

/* Each tile shape in its own function, so that its accumulators get registers of their own. */
typedef void (*Tile)(const Row *, int64_t, int64_t, int64_t, int64_t, int64_t, int);
#define TILE(V, N, SW)                                                                                                   \
    TARGET_AVX512 static void tile_##V##_##N##_##SW(const Row *row, int64_t ic0, int64_t ic1, int64_t x0, int64_t kx0,   \
                                                    int64_t kx1, int resume) {                                           \
        lanes_tile(row, ic0, ic1, x0, kx0, kx1, resume, N, V, SW);                                                      \
    }
#define STRIDES(V, N) TILE(V, N, 0) TILE(V, N, 1) TILE(V, N, 2)
TILE(3, 1, 0) TILE(3, 2, 0) TILE(3, 3, 0) TILE(3, 4, 0) TILE(3, 5, 0) TILE(3, 6, 0) TILE(3, 7, 0) STRIDES(3, 8)
TILE(4, 1, 0) TILE(4, 2, 0) TILE(4, 3, 0) TILE(4, 4, 0) TILE(4, 5, 0) STRIDES(4, 6)

/* Per vector count (3 or 4): tiles of 1 to `full` outputs (any stride), then the full tile for
 * strides 1 and 2. A full tile keeps 24 accumulators. */
static const struct {
    int full;
    Tile by_count[9];  /* [n]: n outputs */
    Tile by_stride[3]; /* the full tile for stride 1 and 2 ([0]: any) */
} tiles[2] = {
    {8, {0, tile_3_1_0, tile_3_2_0, tile_3_3_0, tile_3_4_0, tile_3_5_0, tile_3_6_0, tile_3_7_0, tile_3_8_0},
     {tile_3_8_0, tile_3_8_1, tile_3_8_2}},
    {6, {0, tile_4_1_0, tile_4_2_0, tile_4_3_0, tile_4_4_0, tile_4_5_0, tile_4_6_0}, {tile_4_6_0, tile_4_6_1, tile_4_6_2}},
};

/* The cache lines of one stretch (`lines` lines from `offset` floats in) of the planes of
 * channels [ic, ic_end), handed out a few at a time. */
typedef struct {
    const float *const *planes;
    int64_t offset, ic, ic_end, line, lines;
} Ahead;

/* Prefetches the next `count` lines of `ahead` into L2. */
static void prefetch_ahead(Ahead *ahead, int64_t count) {
    for (; count > 0 && ahead->ic < ahead->ic_end; count--) {
        _mm_prefetch((const char *)(ahead->planes[ahead->ic] + ahead->offset) + 64 * ahead->line, _MM_HINT_T1);
        if (++ahead->line < ahead->lines) continue;
        ahead->line = 0;
        ahead->ic++;
    }
}

/* Outputs [x0, x1) that share kernel columns [kx0, kx1): full tiles, then one shorter tile,
 * each followed by `per_tile` lines of `ahead`. */
static void run_of_outputs(const Row *row, int64_t ic0, int64_t ic1, int64_t x0, int64_t x1, int64_t kx0, int64_t kx1,
                           int resume, Ahead *ahead, int64_t per_tile) {
    const int v = row->conv->vectors - 3, full = tiles[v].full;
    const int64_t sw = row->conv->stride_w;
    const Tile full_tile = tiles[v].by_stride[sw == 1 || sw == 2 ? sw : 0];
    int64_t x = x0;
    for (; x + full <= x1; x += full) {
        full_tile(row, ic0, ic1, x, kx0, kx1, resume);
        prefetch_ahead(ahead, per_tile);
    }
    if (x < x1) {
        tiles[v].by_count[x1 - x](row, ic0, ic1, x, kx0, kx1, resume);
        prefetch_ahead(ahead, per_tile);
    }
}

/* floor(a / b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The taps [*t0, *t1) of a kernel `taps` wide that lie inside [0, size) when tap t reads
 * first + t * dilation (those positions grow with t, so the inside ones are consecutive). */
static void taps_inside(int64_t first, int64_t dilation, int64_t taps, int64_t size, int64_t *t0, int64_t *t1) {
    *t0 = first >= 0 ? 0 : (-first + dilation - 1) / dilation;
    *t1 = floor_div(size - 1 - first, dilation) + 1;
    if (*t1 > taps) *t1 = taps;
    if (*t0 > *t1) *t0 = *t1;
}

/* The kernel columns [*kx0, *kx1) of output column x that lie inside the input. */
static void kernel_columns(const SSConvLanes *c, int64_t x, int64_t *kx0, int64_t *kx1) {
    taps_inside(x * c->stride_w - c->pad_left, c->dilation_w, c->kw, c->in_w, kx0, kx1);
}

/* Transposes 16 rows of 16 floats in place (row i, lane j -> row j, lane i). */
TARGET_AVX512 static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    /* u[4q + c], lane L: column 4L + c of rows 4q..4q+3. */
    __m512 u[16];
    for (int q = 0; q < 16; q += 4) {
        const __m512d a = _mm512_castps_pd(t[q]), b = _mm512_castps_pd(t[q + 1]);
        const __m512d a2 = _mm512_castps_pd(t[q + 2]), b2 = _mm512_castps_pd(t[q + 3]);
        u[q] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, a2));
        u[q + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, a2));
        u[q + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, b2));
        u[q + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, b2));
    }
    for (int c = 0; c < 4; c++) {
        const __m512 lo0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44), lo1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
        const __m512 hi0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE), hi1 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
        r[c] = _mm512_shuffle_f32x4(lo0, lo1, 0x88);
        r[4 + c] = _mm512_shuffle_f32x4(lo0, lo1, 0xDD);
        r[8 + c] = _mm512_shuffle_f32x4(hi0, hi1, 0x88);
        r[12 + c] = _mm512_shuffle_f32x4(hi0, hi1, 0xDD);
    }
}

/* Moves the finished sums of one row from scratch ([x][lanes]) to the output planes, 16
 * outputs by 16 channels at a time, adding bias and residual and applying the activation. */
TARGET_AVX512 static void store_row(const Row *row, const float *bias, const float *residual, float *output,
                                    int64_t out_plane) {
    const SSConvLanes *c = row->conv;
    for (int64_t x = 0; x < c->out_w; x += 16) {
        const int64_t n = c->out_w - x < 16 ? c->out_w - x : 16;
        const __mmask16 mask = tail_mask(n);
        for (int64_t o0 = 0; o0 < c->channels; o0 += 16) {
            __m512 r[16];
            for (int p = 0; p < 16; p++)
                r[p] = p < n ? _mm512_loadu_ps(row->scratch + (x + p) * row->lanes + o0) : _mm512_setzero_ps();
            transpose16(r);
            const int64_t channels = c->channels - o0 < 16 ? c->channels - o0 : 16;
            for (int64_t j = 0; j < channels; j++) {
                const int64_t at = (o0 + j) * out_plane + x;
                __m512 v = r[j];
                if (bias) v = _mm512_add_ps(v, _mm512_set1_ps(bias[o0 + j]));
                if (residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, residual + at));
                v = activate_avx512(v, c->activation, c->alpha, c->beta);
                if (c->stream_output && n == 16 && ((uintptr_t)(output + at) & 63) == 0) {
                    _mm512_stream_ps(output + at, v);
                } else {
                    _mm512_mask_storeu_ps(output + at, mask, v);
                }
            }
        }
    }
}

void ss_conv_lanes_row(const SSConvLanes *c, const float *const *planes, int64_t y, int64_t next_y,
                       const float *bias, const float *residual, float *output, int64_t out_plane, float *scratch) {
    const int64_t top = y * c->stride_h - c->pad_top;
    int64_t ky0, ky1;
    taps_inside(top, c->dilation_h, c->kh, c->in_h, &ky0, &ky1);
    const Row row = {c, planes, top, ky0, ky1, 16 * (int64_t)c->vectors, scratch};
    /* The rows output row next_y reads below this row's last one (none when next_y < 0). */
    int64_t ahead_from = 0, ahead_to = 0;
    if (next_y >= 0) {
        const int64_t next_top = next_y * c->stride_h - c->pad_top;
        int64_t nky0, nky1;
        taps_inside(next_top, c->dilation_h, c->kh, c->in_h, &nky0, &nky1);
        const int64_t last = ky1 > ky0 ? top + (ky1 - 1) * c->dilation_h : -1;
        ahead_from = next_top + nky0 * c->dilation_h > last + 1 ? next_top + nky0 * c->dilation_h : last + 1;
        ahead_to = nky1 > nky0 ? next_top + (nky1 - 1) * c->dilation_h + 1 : 0;
    }
    /* Rows between ahead_from and ahead_to that are not read are prefetched too (dilated kernels): harmless. */
    const int64_t ahead_rows = ahead_to > ahead_from ? ahead_to - ahead_from : 0;
    const int64_t lines = ahead_rows ? (ahead_rows * c->in_w * (int64_t)sizeof(float) + 63) / 64 + 1 : 0;
    const int full = tiles[c->vectors - 3].full;
    const int64_t tiles_per_pass = (c->out_w + full - 1) / full + 2;
    for (int64_t ic0 = 0; ic0 < c->in_channels; ic0 += c->channel_block) {
        const int64_t ic1 = ic0 + c->channel_block < c->in_channels ? ic0 + c->channel_block : c->in_channels;
        Ahead ahead = {planes, ahead_from * c->in_w, ic0, lines ? ic1 : ic0, 0, lines};
        const int64_t per_tile = ((ic1 - ic0) * lines + tiles_per_pass - 1) / tiles_per_pass;
        /* Runs of outputs that read the same kernel columns: the left border, the interior, the right border. */
        int64_t x0 = 0, kx0, kx1;
        kernel_columns(c, 0, &kx0, &kx1);
        for (int64_t x = 1; x <= c->out_w; x++) {
            int64_t next0 = -1, next1 = -1;
            if (x < c->out_w) kernel_columns(c, x, &next0, &next1);
            if (next0 == kx0 && next1 == kx1) continue;
            run_of_outputs(&row, ic0, ic1, x0, x, kx0, kx1, ic0 > 0, &ahead, per_tile);
            x0 = x, kx0 = next0, kx1 = next1;
        }
    }
    store_row(&row, bias, residual, output, out_plane);
    if (c->stream_output) _mm_sfence(); /* streamed stores are weakly ordered: done before the caller signals */
}
