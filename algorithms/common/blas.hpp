// Row-major single-precision GEMM through OpenBLAS, the one way engines call
// it: C = A·B (+ beta·C) with A or B optionally transposed. OpenBLAS's
// interface takes 32-bit sizes; every convlab GEMM dimension is a channel
// count or a plane of one image, far below 2^31.
#pragma once

#include <cblas.h>

#include <cstdint>

namespace convlab {

inline void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                  const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), 1.0f, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc));
}

}  // namespace convlab
