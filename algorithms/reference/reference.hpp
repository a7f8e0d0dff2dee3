// The double-precision reference convolution, for tests and the checker.
//
// Deliberately plain: direct loops accumulating in double, bounds checks with
// `continue`, one function per direction. Its correctness is established
// independently of every other algorithm (golden cases, central finite
// differences, the adjoint identity: tests/algorithms/reference/test_reference.cpp).
//
// Layouts as everywhere (docs/architecture.md): activations NCHW, weights
// [oc][ic/g][kh][kw], bias [oc]. Dilation is benchdnn's: dh zeros between taps.
#pragma once

#include "algorithms/problem.hpp"

namespace convlab {

// y = x * w + b; b may be null (no bias).
void reference_fwd(const Problem& p, const double* x, const double* w, const double* b, double* y);
// dx = gradient of sum(y * dy) with respect to x.
void reference_bwd_d(const Problem& p, const double* dy, const double* w, double* dx);
// dw, db = gradients of sum(y * dy) with respect to w and b; db may be null.
void reference_bwd_w(const Problem& p, const double* x, const double* dy, double* dw, double* db);
// db alone: the sum of dy over images and output positions, per channel.
void reference_bias_gradient(const Problem& p, const double* dy, double* db);

}  // namespace convlab
