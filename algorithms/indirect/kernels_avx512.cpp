// The AVX-512 build of the indirect kernels (16 lanes, 32 registers): 8 x 32
// forward tiles (16 accumulators, 2 weight vectors, broadcasts folded into
// the FMAs) and 8 x 32 weight-gradient tiles, compiled for that ISA whatever
// the build's -march, and run only when the CPU has it.
#include <immintrin.h>

// The standard library and convlab code first, compiled for the baseline ISA
// (one copy of each inline function is kept at link time and must run anywhere).
#include <algorithm>
#include <cstdint>

#include "algorithms/indirect/kernel_api.hpp"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")

#include "algorithms/direct/vector_avx512.hpp"

namespace convlab::indirect {

namespace {

using direct::Avx512;  // the direct kernels' register type (direct/vector_avx512.hpp)

}  // namespace

}  // namespace convlab::indirect

#include "algorithms/indirect/kernel_templates.hpp"

namespace convlab::indirect {

Kernels avx512_kernels() { return kernels_of<Avx512, 8, 8>("avx512"); }

}  // namespace convlab::indirect

#pragma GCC pop_options
