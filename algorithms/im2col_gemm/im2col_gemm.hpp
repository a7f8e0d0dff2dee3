// The im2col_gemm forward pass as a primitive, for algorithms built on the
// same GEMM engine (im2col_gemm_fullconv runs backward data through it).
#pragma once

#include <memory>

#include "algorithms/algorithm.hpp"

namespace convlab {

std::unique_ptr<Primitive> im2col_gemm_forward(const Problem& p, int threads);

// im2col_gemm on NHWC activations with OHWI or HWIO weights (im2col_gemm_nhwc.cpp).
std::unique_ptr<Primitive> im2col_gemm_nhwc(const Problem& p, Direction d, int threads, WeightLayout weights);

}  // namespace convlab
