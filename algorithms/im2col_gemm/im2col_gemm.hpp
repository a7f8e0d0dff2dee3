// The im2col_gemm forward pass as a primitive, for algorithms built on the
// same GEMM engine (im2col_gemm_fullconv runs backward data through it).
#pragma once

#include <memory>

#include "algorithms/algorithm.hpp"

namespace convlab {

std::unique_ptr<Primitive> im2col_gemm_forward(const Problem& p, int threads);

}  // namespace convlab
