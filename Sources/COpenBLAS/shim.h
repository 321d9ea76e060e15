#ifndef SEGSTREAM_COPENBLAS_SHIM_H
#define SEGSTREAM_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
