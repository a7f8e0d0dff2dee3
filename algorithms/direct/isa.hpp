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
// The ISA named `name` by `setting` (CONVLAB_ISA): a SettingError for an
// unknown name or an ISA this CPU lacks, naming the ones accepted.
Isa isa_named(std::string_view setting, std::string_view name);
// CONVLAB_ISA when set (isa_named), else the best ISA the CPU has. The
// commands and the Python module call it where they start
// (harness/run/environment.hpp), so a bad value is refused before any case runs.
Isa chosen_isa();

}  // namespace convlab::direct
