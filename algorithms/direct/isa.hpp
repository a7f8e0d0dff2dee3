// Which instruction set the direct algorithm's micro-kernels use: the widest
// the machine has (Machine::isa, from cpuinfo), or the one named by the
// environment variable CONVLAB_ISA (avx2, avx512 or scalar), so both SIMD
// paths can be tested on one machine.
#pragma once

#include <string_view>

#include "algorithms/machine.hpp"

namespace convlab::direct {

// The ISA named `name` by `setting` (CONVLAB_ISA): a SettingError for an
// unknown name or an ISA the machine lacks, naming the ones accepted.
Isa isa_named(std::string_view setting, std::string_view name, const Machine& machine);
// CONVLAB_ISA when set (isa_named), else machine.isa. The commands and the
// Python module call it where they start (harness/run/environment.hpp), so a
// bad value is refused before any case runs.
Isa chosen_isa(const Machine& machine);
inline Isa chosen_isa() { return chosen_isa(this_machine()); }

}  // namespace convlab::direct
