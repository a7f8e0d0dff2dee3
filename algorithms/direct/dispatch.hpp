// One entry point per ISA, each compiled in its own file for that ISA.
#pragma once

#include "algorithms/algorithm.hpp"
#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

// Which part of a call to run: all of it (direct: NCHW in and out), or one
// stage of direct_native, whose layout conversions are outside the timed
// call: in (the blocked copies of the inputs and weights, into the
// workspace), conv (the kernels on them), out (the blocked results back).
enum class Stage { all, in, conv, out };

void run_avx512(const Plan& plan, const ConvArgs& args, Stage stage);
void run_avx2(const Plan& plan, const ConvArgs& args, Stage stage);
void run_scalar(const Plan& plan, const ConvArgs& args, Stage stage);

}  // namespace convlab::direct
