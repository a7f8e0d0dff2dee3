// The machine the planners plan for: its cache sizes per level and its
// widest vector ISA, read from cpuinfo once (this_cpu()), lowered to the
// process's ISA cap when one is set (this_machine(), set_isa_cap()).
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
#include <optional>
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

// This CPU, from cpuinfo, read on the first call. Throws
// std::runtime_error when cpuinfo cannot initialise or reports no L1 data,
// L2 or last-level cache.
const Machine& this_cpu();
// This CPU with its isa lowered to the ISA cap when one is set: what every
// engine plans for, so that convlab's own kernels honour the cap in one place.
const Machine& this_machine();

// The ISA cap of the whole process (--isa, the Python module's set_isa): no
// engine runs a kernel wider than it, or the engine declines. The libraries
// (oneDNN, LIBXSMM, libtorch) fix their ISA at their first kernel, so the cap
// is set before any algorithm prepares and cannot change after one of them
// latched it. "native" (nullopt) is the CPU's widest ISA, what runs when
// nothing is set.
// "avx2", "avx512" or "native"; a SettingError naming `setting` otherwise.
std::optional<Isa> parse_isa_cap(std::string_view setting, std::string_view text);
std::string_view isa_cap_name(std::optional<Isa> cap);  // "avx2", "avx512", "native"

// The cap's state over one CPU; the process has one (process_isa_cap), a
// test makes its own over a CPU of its choosing.
class IsaCap {
public:
    explicit IsaCap(const Machine& cpu) : cpu_(cpu), capped_(cpu) {}
    // A SettingError naming `setting` when the CPU lacks the ISA, or when a
    // library latched a different cap (one cap per process).
    void set(std::string_view setting, std::optional<Isa> cap);
    std::optional<Isa> cap() const { return cap_; }
    // The cap, for a library that fixes its ISA now: set() refuses any other from here on.
    std::optional<Isa> latch() {
        latched_ = true;
        return cap_;
    }
    const Machine& machine() const { return capped_; }  // the CPU, its isa lowered to the cap

private:
    Machine cpu_, capped_;
    std::optional<Isa> cap_;
    bool latched_ = false;
};

IsaCap& process_isa_cap();  // over this_cpu()
inline void set_isa_cap(std::string_view setting, std::optional<Isa> cap) { process_isa_cap().set(setting, cap); }
inline std::optional<Isa> isa_cap() { return process_isa_cap().cap(); }
inline std::optional<Isa> latched_isa_cap() { return process_isa_cap().latch(); }

}  // namespace convlab
