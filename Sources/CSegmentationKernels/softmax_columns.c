#include <stdint.h>
#include <string.h>
#include "CSegmentationKernels.h"

/* Softmax over classes of each column of a class-major block, for the edge refinement. Plain C
 * that the compiler vectorises; built for AVX-512 and for the baseline, picked at load time. */

#define TILE 256

/* e^x: 2^n added to the exponent bits of a degree-6 polynomial for e^f, |f| <= ln2/2
 * (relative error below 2e-7 for x in [-87, 88]; clamped outside). */
static inline float fast_exp(float x) {
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    const float magic = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    const float t = x * 1.44269504f, shifted = t + magic;
    const float f = (t - (shifted - magic)) * 0.693147181f;
    float p = 1.0f / 720;
    p = p * f + 1.0f / 120;
    p = p * f + 1.0f / 24;
    p = p * f + 1.0f / 6;
    p = p * f + 0.5f;
    p = p * f + 1.0f;
    p = p * f + 1.0f;
    int32_t n, bits;
    memcpy(&n, &shifted, 4);
    memcpy(&bits, &p, 4);
    bits += (n - 0x4B400000) << 23;
    memcpy(&p, &bits, 4);
    return p;
}

__attribute__((target_clones("avx512f", "default")))
void ss_softmax_columns(float *values, int64_t classes, int64_t stride, int64_t count) {
    float top[TILE], total[TILE];
    for (int64_t start = 0; start < count; start += TILE) {
        const int64_t n = count - start < TILE ? count - start : TILE;
        float *block = values + start;
        for (int64_t i = 0; i < n; i++) top[i] = block[i];
        for (int64_t c = 1; c < classes; c++) {
            const float *row = block + c * stride;
            for (int64_t i = 0; i < n; i++) top[i] = row[i] > top[i] ? row[i] : top[i];
        }
        for (int64_t i = 0; i < n; i++) total[i] = 0;
        for (int64_t c = 0; c < classes; c++) {
            float *row = block + c * stride;
            for (int64_t i = 0; i < n; i++) {
                row[i] = fast_exp(row[i] - top[i]);
                total[i] += row[i];
            }
        }
        for (int64_t i = 0; i < n; i++) total[i] = 1.0f / total[i];
        for (int64_t c = 0; c < classes; c++) {
            float *row = block + c * stride;
            for (int64_t i = 0; i < n; i++) row[i] *= total[i];
        }
    }
}
