#include "CKernels.h"
#include "conv_tiles.h"
#include <immintrin.h>

/* Tiles per chunk of columns: one chunk of input taps is reused from cache by every block
 * of output channels before the next chunk is read; the first block prefetches the next chunk. */
enum { CHUNK_TILES = 4 };
/* Taps per pass over a chunk at most: a pass's input columns (taps x 32 floats per tile)
 * then stay in L1 while every block of output channels reads them. */
enum { MAX_PASS_TAPS = 160 };
/* Packed taps of a chunk stay below SS_CONV_PACK_FLOATS (in L1 while every block of output
 * channels reads them): chunks narrow to one tile, which always fits. */
_Static_assert(SS_CONV_PACK_FLOATS >= MAX_PASS_TAPS * (SS_TILE_COLUMNS + 16), "pack scratch too small for a one-tile chunk");

/* Walks the cache lines of SSPrefetchRuns in order, handing out contiguous pieces. */
typedef struct {
    const SSPrefetchRuns *runs, *end;
    int64_t index; /* of the stretch within the current run */
    int64_t line;  /* within that stretch */
} Upcoming;

/* Cache lines per stretch of a run. */
static int64_t lines_in(const SSPrefetchRuns *r) { return (r->length * (int64_t)sizeof(float) + 63) / 64; }

/* The next at most `lines` lines, all within one stretch: their start in `*at`, their count returned. */
static int64_t take_lines(Upcoming *u, int64_t lines, const char **at) {
    if (u->runs == u->end || lines == 0) return 0;
    const SSPrefetchRuns *r = u->runs;
    const int64_t in_stretch = lines_in(r);
    const int64_t taken = in_stretch - u->line < lines ? in_stretch - u->line : lines;
    *at = (const char *)(r->base + u->index * r->stride) + 64 * u->line;
    u->line += taken;
    if (u->line == in_stretch) {
        u->line = 0;
        if (++u->index == r->count) {
            u->index = 0;
            u->runs++;
        }
    }
    return taken;
}

void ss_conv_gemm(const SSConvGemm *conv, const float *input, int64_t input_row,
                  float *output, const float *residual, int64_t output_row, int64_t channel_stride,
                  int64_t rows, int64_t cols, const SSPrefetchRuns *upcoming, int64_t upcoming_count) {
    const int64_t width = SS_TILE_COLUMNS;
    const int64_t m_total = conv->channels, k = conv->taps;
    const int64_t passes = (k + MAX_PASS_TAPS - 1) / MAX_PASS_TAPS, pass_taps = (k + passes - 1) / passes;
    /* Packed, a chunk's tap rows are one cache line longer than the chunk, so that they fall in different L1 sets. */
    int64_t chunk_tiles = CHUNK_TILES;
    if (conv->pack)
        while (chunk_tiles > 1 && pass_taps * (chunk_tiles * width + 16) > SS_CONV_PACK_FLOATS) chunk_tiles--;
    const int64_t chunk = chunk_tiles * width, pack_row = chunk + 16;
    const int64_t blocks = (m_total + SS_CONV_BLOCK - 1) / SS_CONV_BLOCK;
    int64_t lines = 0;
    for (int64_t i = 0; i < upcoming_count; i++) lines += upcoming[i].count * lines_in(upcoming + i);
    const int64_t tile_calls = rows * ((cols + width - 1) / width) * passes * blocks;
    const int64_t lines_per_tile = (lines + tile_calls - 1) / tile_calls;
    Upcoming next = {upcoming, upcoming + upcoming_count, 0, 0};
    int64_t pack_offsets[MAX_PASS_TAPS];
    for (int64_t t = 0; conv->pack && t < pass_taps; t++) pack_offsets[t] = t * pack_row;
    for (int64_t r = 0; r < rows; r++) {
        const float *in = input + r * input_row;
        for (int64_t c0 = 0; c0 < cols; c0 += chunk) {
            const int64_t c1 = c0 + chunk < cols ? c0 + chunk : cols;
            for (int64_t k0 = 0; k0 < k; k0 += pass_taps) {
                const int64_t taps = k - k0 < pass_taps ? k - k0 : pass_taps;
                /* Streaming a line that an earlier pass left in the cache would write it twice. */
                const int stage = (k0 > 0 ? SS_TILE_RESUME : 0) | (k0 + taps == k ? SS_TILE_FINISH : 0) |
                                  (conv->stream_output && passes == 1 ? SS_TILE_STREAM : 0);
                const float *chunk_in = in + c0 * conv->column_step;
                const int64_t *offsets = conv->tap_offsets + k0;
                if (conv->pack) {
                    ss_conv_pack_avx512(chunk_in, offsets, taps, c1 - c0, conv->column_step, conv->pack, pack_row,
                                        chunk * conv->column_step);
                    chunk_in = conv->pack;
                    offsets = pack_offsets;
                }
                for (int64_t m = 0; m < m_total; m += SS_CONV_BLOCK) {
                    const int m_rows = m_total - m < SS_CONV_BLOCK ? (int)(m_total - m) : SS_CONV_BLOCK;
                    const int64_t at = m * channel_stride + r * output_row;
                    for (int64_t c = c0; c < c1; c += width) {
                        const char *upcoming_at = 0;
                        const int64_t upcoming_lines = take_lines(&next, lines_per_tile < taps ? lines_per_tile : taps, &upcoming_at);
                        ss_conv_tile_avx512(conv->weights + m * k + k0 * SS_CONV_BLOCK, offsets, taps, chunk_in + (c - c0),
                                            c1 - c < width ? c1 - c : width, output + at + c, residual ? residual + at + c : 0,
                                            channel_stride, m_rows, conv->bias ? conv->bias + m : 0, m == 0 && !conv->pack ? chunk : 0,
                                            upcoming_at, upcoming_lines, stage, conv);
                    }
                }
            }
        }
    }
    if (conv->stream_output && passes == 1) _mm_sfence(); /* streamed stores are weakly ordered: done before the caller signals */
}
