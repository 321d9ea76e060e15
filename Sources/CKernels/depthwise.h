#ifndef SEGSTREAM_DEPTHWISE_H
#define SEGSTREAM_DEPTHWISE_H

#include "CKernels.h"

void ss_depthwise_plane_avx512(const SSDepthwise *conv, const float *padded, const float *weights, float bias,
                               const float *residual, float *output);
void ss_depthwise_plane_avx2(const SSDepthwise *conv, const float *padded, const float *weights, float bias,
                             const float *residual, float *output);

#endif
