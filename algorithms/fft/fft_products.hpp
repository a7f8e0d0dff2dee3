// The steps the three FFT directions share: the transforms of the weights,
// the input tiles and the dy tiles into the workspace, and the pointwise
// products, one complex GEMM over channels per frequency.
#pragma once

#include <cstdint>
#include <string_view>

#include "algorithms/algorithm.hpp"
#include "algorithms/fft/fft_geometry.hpp"
#include "algorithms/fft/fft_kernel_dft.hpp"
#include "algorithms/fft/fft_transforms.hpp"

namespace convlab::fft {

// By `dft` (one real GEMM) when given, else by FFTW.
void transform_weights(const Geometry& g, const Transforms& tr, const KernelDft* dft, const ConvArgs& a, int64_t gi,
                       int64_t oc0, int64_t ocb, bool conjugate);
void transform_inputs(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t t0,
                      int64_t tbc);
void transform_dy(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t oc0, int64_t ocb,
                  int64_t t0, int64_t tbc);

enum class Product {
    forward,           // Y[oc][t]   = W[oc][c'] X[c'][t]      (W conjugated when transformed)
    backward_data,     // DX[c'][t] (+)= W^T[c'][oc] DY[oc][t]
    backward_weights,  // DW[oc][c'] (+)= DY[oc][t] X^T[t][c']  (DY conjugated when transformed)
};

// The complex GEMM the products run on: OpenBLAS's cgemm (4 real multiplies
// per complex product) or cgemm3m (Gauss's 3, at the price of more additions).
enum class Gemm { cgemm, cgemm3m };

std::string_view to_string(Gemm gemm);

// The faster of the two on one frequency's product of g's blocks, each of
// g.threads threads running its own as multiply() does; timed at prepare, once
// per shape and thread count in a process.
Gemm fastest_gemm(const Geometry& g);

// The product of one frequency: w [ocb][cv], c [cv][tbc], o [ocb][tbc]
// (row-major, each row dense), the result scaled by beta before it is added.
void product_at(Gemm gemm, Product product, int64_t ocb, int64_t tbc, int64_t cv, cfloat* w, cfloat* c, cfloat* o,
                const cfloat& beta);

// One product per frequency for a block of ocb output channels and tbc
// tiles, on the workspace's operands; `accumulate` adds to the result
// instead of overwriting it. Frequencies are shared out between threads, each
// product single-threaded, so the result does not depend on the thread count.
void multiply(const Geometry& g, const ConvArgs& a, Gemm gemm, Product product, int64_t ocb, int64_t tbc,
              bool accumulate);

}  // namespace convlab::fft
