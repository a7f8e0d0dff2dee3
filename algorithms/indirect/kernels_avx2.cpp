// The AVX2 build of the indirect kernels (8 lanes, 16 registers): 6 x 16
// tiles, 12 accumulators + 2 weight (or dy) vectors + 1 broadcast, compiled
// for that ISA whatever the build's -march, and run only when the CPU has it.
#include <immintrin.h>

// The standard library and convlab code first, compiled for the baseline ISA
// (one copy of each inline function is kept at link time and must run anywhere).
#include <algorithm>
#include <cstdint>

#include "algorithms/indirect/kernel_api.hpp"

#pragma GCC push_options
// Under -march=native on an AVX-512 CPU this adds nothing and the compiler
// may use EVEX encodings and 32 registers; the tiles are sized for 16.
#pragma GCC target("avx2,fma")

#include "algorithms/direct/vector_avx2.hpp"

namespace convlab::indirect {

namespace {

using direct::Avx2;  // the direct kernels' register type (direct/vector_avx2.hpp)

}  // namespace

}  // namespace convlab::indirect

#include "algorithms/indirect/kernel_templates.hpp"

namespace convlab::indirect {

Kernels avx2_kernels() { return kernels_of<Avx2, 6, 6>("avx2"); }

}  // namespace convlab::indirect

#pragma GCC pop_options
