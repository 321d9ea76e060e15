#include "avx512.h"
#include "conv_tiles.h"

TARGET_AVX512 void ss_conv_pack_avx512(const float *input, const int64_t *tap_offsets, int64_t taps, int64_t columns,
                                       int64_t step, float *pack, int64_t pack_row, int64_t prefetch) {
    for (int64_t t = 0; t < taps; t++) {
        const float *src = input + tap_offsets[t];
        float *dst = pack + t * pack_row;
        if (step == 1) {
            for (int64_t c = 0; c < columns; c += 16) _mm512_storeu_ps(dst + c, _mm512_maskz_loadu_ps(tail_mask(columns - c), src + c));
        } else {
            ss_gather_strided(src, step, columns, dst, 1);
        }
        for (int64_t c = 0; c < columns * step; c += 16) _mm_prefetch((const char *)(src + c + prefetch), _MM_HINT_T1);
    }
}
