// What the harness's metadata asks of LIBXSMM, apart from the algorithm.
#pragma once

#include <string>

namespace convlab {

// LIBXSMM initialised under the process's ISA cap (machine.hpp): its target
// arch lowered before the first JIT-ed kernel. Runs once.
void libxsmm_initialize_capped();
// The arch LIBXSMM JITs for after libxsmm_initialize_capped: "hsw" (AVX2),
// "skx", "clx", "cpx" (AVX-512), ...
std::string libxsmm_target_arch();

}  // namespace convlab
