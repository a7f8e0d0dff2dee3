// The boundary between convlab and its libtorch module (libconvlab_torch.so,
// built from torch.cpp): C entry points, looked up with dlsym, that build a
// torch primitive and describe the module's build. The module is loaded only
// when a torch primitive is first prepared, so that a process that never runs
// torch (most tests, most commands) does not pay for loading libtorch and its
// ~280 libraries.
//
// Both sides are built by the same compiler from the same headers, but not
// always at the same time: a rebuild while a long bench runs replaces the
// module under the running process, whose first torch case then loads a
// module built from other headers (a ConvArgs with another field read at the
// wrong offset gave wrong backward results, not a crash). So the loader
// refuses a module whose file changed since the process started, and one
// whose interface sizes differ from its own.
#pragma once

#include <cstddef>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// Owned by the caller (delete through Primitive's virtual destructor).
// `channels_last`: the case is nhwc:ohwi, PyTorch's channels_last for both
// activations and weights; else nchw:oihw.
extern "C" Primitive* convlab_torch_prepare(const Problem& p, Direction d, int threads, bool channels_last);
using TorchPrepareFunction = Primitive* (*)(const Problem&, Direction, int, bool);
inline constexpr const char* torch_prepare_symbol = "convlab_torch_prepare";

// The sizes of the types that cross the boundary, as each side was compiled.
struct TorchInterface {
    std::size_t problem = 0, conv_args = 0, primitive = 0;
    bool operator==(const TorchInterface&) const = default;
};
inline TorchInterface this_side_interface() { return {sizeof(Problem), sizeof(ConvArgs), sizeof(Primitive)}; }
extern "C" TorchInterface convlab_torch_interface();
using TorchInterfaceFunction = TorchInterface (*)();
inline constexpr const char* torch_interface_symbol = "convlab_torch_interface";

// Empty when the module's interface is this process's; else why not, naming both.
std::string interface_mismatch(const TorchInterface& mine, const TorchInterface& module);

}  // namespace convlab
