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

// The plan's ISA's entry point.
inline void run(const Plan& plan, const ConvArgs& args, Stage stage) {
    switch (plan.isa) {
        case Isa::avx512: run_avx512(plan, args, stage); break;
        case Isa::avx2: run_avx2(plan, args, stage); break;
        case Isa::scalar: run_scalar(plan, args, stage); break;
    }
}

}  // namespace convlab::direct
