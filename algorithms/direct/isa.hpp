// Which instruction set the direct algorithm's micro-kernels use: the widest
// the machine has (Machine::isa, from cpuinfo), or the one named by the
// environment variable CONVLAB_ISA (avx2, avx512 or scalar), so both SIMD
// paths can be tested on one machine.
#pragma once

#include "algorithms/machine.hpp"

namespace convlab::direct {

// CONVLAB_ISA when set, else machine.isa. Throws std::invalid_argument for an
// unknown name or an ISA the machine lacks.
Isa chosen_isa(const Machine& machine);

}  // namespace convlab::direct
