// The machine the planners plan for: its cache sizes per level and its
// widest vector ISA, read from cpuinfo once (this_machine()).
//
// The planners that size blocks to the caches (direct's make_plan,
// Winograd's forward plans) take a Machine as an argument; the algorithms'
// prepare() passes this_machine(). Algorithm::prepare keeps its signature:
// most engines (oneDNN, XNNPACK, LIBXSMM, torch, the loops) size nothing to
// the caches or ask their library, and a Machine in every prepare() would
// promise that each honours it. Taking it in the planner instead lets a test
// plan for a machine other than this one (a 256 KiB L2, a 2 MiB L2) and see
// the blocking change, without running on it.
#pragma once

#include <cstdint>
#include <string_view>

namespace convlab {

// The vector ISAs the hand-written kernels are built for, narrowest first.
enum class Isa { scalar, avx2, avx512 };

std::string_view to_string(Isa isa);  // "scalar", "avx2", "avx512"
// Vector lanes of the ISA's kernels (fp32): 16, 8, and 8 for the scalar fallback.
int lanes(Isa isa);

struct Machine {
    int64_t l1d_bytes = 0;         // one core's L1 data cache
    int64_t l2_bytes = 0;          // one L2 instance (private per core on current x86)
    int64_t last_level_bytes = 0;  // all instances of the last level (L4 if any, else L3, else L2)
    Isa isa = Isa::scalar;         // the widest ISA the CPU runs (AVX2 and AVX-512 with FMA)

    bool runs(Isa wanted) const { return wanted <= isa; }
};

// This machine, from cpuinfo, read on the first call. Throws
// std::runtime_error when cpuinfo cannot initialise or reports no L1 data,
// L2 or last-level cache.
const Machine& this_machine();

}  // namespace convlab
