// The AVX2 build of the direct kernels (8 lanes, 16 registers), compiled
// for that ISA whatever the build's -march, and run only when the CPU has it.
#include <immintrin.h>

#include "algorithms/direct/isa_headers.hpp"

#pragma GCC push_options
// Under -march=native on an AVX-512 CPU this adds nothing and the compiler
// may give the AVX2 kernels EVEX encodings and 32 registers; the tiles are
// planned for 16. A portable build (-DCONVLAB_NATIVE=OFF) has the real thing.
#pragma GCC target("avx2,fma")

#include "algorithms/direct/vector_avx2.hpp"

namespace convlab::direct {


}  // namespace convlab::direct

#include "algorithms/direct/engine.hpp"
#include "algorithms/direct/kernels.hpp"

namespace convlab::direct {

void run_avx2(const Plan& plan, const ConvArgs& args, Stage stage) { run_plan<Avx2>(plan, args, stage); }

}  // namespace convlab::direct

#pragma GCC pop_options
