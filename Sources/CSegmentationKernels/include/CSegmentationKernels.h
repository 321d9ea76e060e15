#ifndef SEGSTREAM_CSEGMENTATIONKERNELS_H
#define SEGSTREAM_CSEGMENTATIONKERNELS_H

#include <stdint.h>

/* The segmentation stages' C kernels (temporal warps and block matching, refinement, label
 * upsampling, score softmax); the engine's are in CKernels. Functions with an AVX-512 build
 * choose it where the CPU has it (CKernels' ss_cpu_has_avx512). */

/// Softmax over `classes` values `stride` apart, for each of `count` consecutive columns of
/// `values` (in place; e^x to a relative 2e-7). Runs the AVX-512 build where the CPU has it.
void ss_softmax_columns(float *values, int64_t classes, int64_t stride, int64_t count);

/// low[i] += the sum of row[i * factor ..< (i + 1) * factor] (the last block clipped to `width`).
void ss_add_block_sums(const float *row, int64_t width, int64_t factor, float *low);

/// One row of a bilinear upsampling: mixed[i] = top[i] + fy * (bottom[i] - top[i]) for
/// i < source_count, then target[x] = m[first[x]] + weights[x] * (m[second[x]] - m[first[x]])
/// for x < count (m = mixed).
void ss_upsample_row(const float *top, const float *bottom, float fy, int64_t source_count, const int32_t *first,
                     const int32_t *second, const float *weights, int64_t count, float *mixed, float *target);

/// One class's step of a running arg max over `count` pixels of an output row: v is T brought
/// up bilinearly (source rows t_top and t_bottom mixed by fy, columns first[x] and second[x]
/// mixed by weights[x]), plus, when a_top is not NULL, A brought up the same way times
/// guide[x]; where first_class is set or v > best[x], best[x] = v and labels[x] = class_id.
void ss_guided_argmax_span(const float *t_top, const float *t_bottom, const float *a_top, const float *a_bottom, float fy,
                           const int32_t *first, const int32_t *second, const float *weights, const float *guide,
                           int64_t count, int first_class, uint8_t class_id, float *best, uint8_t *labels);

/// For each of `count` pixels of `classes` planes (`plane` floats apart): with t the value and
/// a the slope (0 where `slopes` is NULL or has_slope[c] is 0), a class's bounds over guides
/// 0...1 are t + min(a, 0) and t + max(a, 0); lead[i] is the class with the highest lower
/// bound and clearance[i] that bound minus the highest upper bound of the other classes.
/// Runs the AVX-512 build where the CPU has it.
void ss_lead_classes(const float *values, const float *slopes, const uint8_t *has_slope, int64_t classes, int64_t plane,
                     int64_t count, uint8_t *lead, float *clearance);

/// Motion compensation of one row of `classes` score planes (`plane` floats apart): output
/// pixel x of each plane (row `output`, planes `plane` apart) is the bilinear sample S of the
/// 2x2 pixels at first[x], first[x] + right[x], + down[x], + down[x] + right[x] (weights fx[x]
/// across, fy[x] down), for x < count; with `fresh` (laid out as `output`), keep * fresh +
/// (1 - keep) * S instead.
void ss_warp_row(const float *planes, int64_t plane, int64_t classes, const int32_t *first, const int32_t *right,
                 const int32_t *down, const float *fx, const float *fy, int64_t count, const float *fresh, float keep,
                 float *output);

/// Sum of |a - b| over a `width x height` block of each (rows `a_stride`, `b_stride` apart).
float ss_block_sad(const float *a, int64_t a_stride, const float *b, int64_t b_stride, int64_t width, int64_t height);

#endif
