// The boundary between convlab and its libtorch module (libconvlab_torch.so,
// built from torch.cpp): one C entry point, looked up with dlsym, that builds
// a torch primitive. The module is loaded only when a torch primitive is first
// prepared, so that a process that never runs torch (most tests, most
// commands) does not pay for loading libtorch and its ~280 libraries.
// Both sides are built by the same compiler from the same headers.
#pragma once

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// Owned by the caller (delete through Primitive's virtual destructor).
// `channels_last`: the case is nhwc:ohwi, PyTorch's channels_last for both
// activations and weights; else nchw:oihw.
extern "C" Primitive* convlab_torch_prepare(const Problem& p, Direction d, int threads, bool channels_last);
using TorchPrepareFunction = Primitive* (*)(const Problem&, Direction, int, bool);
inline constexpr const char* torch_prepare_symbol = "convlab_torch_prepare";

}  // namespace convlab
