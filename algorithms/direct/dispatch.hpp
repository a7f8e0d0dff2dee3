// One entry point per ISA, each compiled in its own file for that ISA.
#pragma once

#include "algorithms/algorithm.hpp"
#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

void run_avx512(const Plan& plan, const ConvArgs& args);
void run_avx2(const Plan& plan, const ConvArgs& args);
void run_scalar(const Plan& plan, const ConvArgs& args);

}  // namespace convlab::direct
