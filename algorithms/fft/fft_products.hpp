// The steps the three FFT directions share: the transforms of the weights,
// the input tiles and the dy tiles into the workspace, and the pointwise
// products, one complex GEMM over channels per frequency.
#pragma once

#include <cstdint>

#include "algorithms/algorithm.hpp"
#include "algorithms/fft/fft_geometry.hpp"
#include "algorithms/fft/fft_transforms.hpp"

namespace convlab::fft {

void transform_weights(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t oc0,
                       int64_t ocb, bool conjugate);
void transform_inputs(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t t0,
                      int64_t tbc);
void transform_dy(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t oc0, int64_t ocb,
                  int64_t t0, int64_t tbc);

enum class Product {
    forward,           // Y[oc][t]   = W[oc][c'] X[c'][t]      (W conjugated when transformed)
    backward_data,     // DX[c'][t] (+)= W^T[c'][oc] DY[oc][t]
    backward_weights,  // DW[oc][c'] (+)= DY[oc][t] X^T[t][c']  (DY conjugated when transformed)
};

// One product per frequency for a block of ocb output channels and tbc
// tiles, on the workspace's operands; `accumulate` adds to the result
// instead of overwriting it. Frequencies are shared out between threads, each
// product single-threaded, so the result does not depend on the thread count.
void multiply(const Geometry& g, const ConvArgs& a, Product product, int64_t ocb, int64_t tbc, bool accumulate);

}  // namespace convlab::fft
