// The same three double-precision convolutions as reference.hpp, computed
// as im2col + OpenBLAS dgemm so that the checker can afford real layers at
// their own minibatch (the plain loops run well under 1 GFLOP/s).
//
// The plain loops stay the yardstick of this yardstick: the tests compare the
// two on many random small problems, exactly on integer data (every partial
// sum is an integer far below 2^53, so no rounding happens in either) and to
// double rounding on real data (tests/algorithms/reference/test_fast_reference.cpp).
//
// Unlike the fp32 algorithms this is not a timed Primitive: it allocates its
// own column buffer, a band of output rows at a time, at most about
// band_budget_bytes (so a 224x224 VGG layer does not need a 230 MB matrix).
#pragma once

#include "algorithms/problem.hpp"

namespace convlab {

inline constexpr int64_t band_budget_bytes = int64_t(32) << 20;

void fast_reference_fwd(const Problem& p, const double* x, const double* w, const double* b, double* y);
void fast_reference_bwd_d(const Problem& p, const double* dy, const double* w, double* dx);
void fast_reference_bwd_w(const Problem& p, const double* x, const double* dy, double* dw, double* db);

}  // namespace convlab
