#include "CKernels.h"

/* Detected on the first call and kept: kernels that pick their AVX-512 path per call ask here. */
int ss_cpu_has_avx512(void) {
    static int has = -1;
    if (has < 0) {
        __builtin_cpu_init();
        has = __builtin_cpu_supports("avx512f") != 0;
    }
    return has;
}
