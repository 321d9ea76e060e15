#include "depthwise.h"

void ss_depthwise_plane(SSIsa isa, const SSDepthwise *conv, const float *padded, const float *weights, float bias,
                        const float *residual, float *output) {
    if (isa == SSIsaAVX512) ss_depthwise_plane_avx512(conv, padded, weights, bias, residual, output);
    else ss_depthwise_plane_avx2(conv, padded, weights, bias, residual, output);
}
