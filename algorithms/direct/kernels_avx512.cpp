// The AVX-512 build of the direct kernels (16 lanes, 32 registers), compiled
// for that ISA whatever the build's -march, and run only when the CPU has it.
#include <immintrin.h>

#include "algorithms/direct/isa_headers.hpp"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")

#include "algorithms/direct/vector_avx512.hpp"

namespace convlab::direct {


}  // namespace convlab::direct

#include "algorithms/direct/engine.hpp"
#include "algorithms/direct/kernels.hpp"

namespace convlab::direct {

void run_avx512(const Plan& plan, const ConvArgs& args, Stage stage) { run_plan<Avx512>(plan, args, stage); }

}  // namespace convlab::direct

#pragma GCC pop_options
