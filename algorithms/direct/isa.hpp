// Which instruction set the direct algorithm's micro-kernels use: the best the
// CPU has (cpuinfo), or the one named by the environment variable CONVLAB_ISA
// (avx2, avx512 or scalar), so both SIMD paths can be tested on one machine.
#pragma once

#include <string_view>

namespace convlab::direct {

enum class Isa { scalar, avx2, avx512 };

std::string_view to_string(Isa isa);
// Vector lanes of the ISA's kernels (fp32): 16, 8, and 8 for the scalar fallback.
int lanes(Isa isa);
bool cpu_has(Isa isa);
// CONVLAB_ISA when set, else the best ISA the CPU has. Throws
// std::invalid_argument for an unknown name or an ISA the CPU lacks.
Isa chosen_isa();

}  // namespace convlab::direct
