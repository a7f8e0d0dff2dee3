// The im2col_gemm forward pass and its workspace, for algorithms built on the
// same GEMM engine (im2col_gemm_fullconv runs backward data through it).
#pragma once

#include <cstdint>

#include "algorithms/algorithm.hpp"

namespace convlab {

// y = x * w + b (b may be null) with args.workspace of im2col_gemm_workspace_bytes(p, fwd).
void im2col_gemm_forward(const Problem& p, const ConvArgs& args);
int64_t im2col_gemm_workspace_bytes(const Problem& p, Direction d);

}  // namespace convlab
