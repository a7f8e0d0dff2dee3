#include "algorithms/direct/isa.hpp"

#include <cpuinfo.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace convlab::direct {

std::string_view to_string(Isa isa) {
    switch (isa) {
        case Isa::scalar: return "scalar";
        case Isa::avx2: return "avx2";
        case Isa::avx512: return "avx512";
    }
    return "?";
}

int lanes(Isa isa) { return isa == Isa::avx512 ? 16 : 8; }

bool cpu_has(Isa isa) {
    if (!cpuinfo_initialize()) return isa == Isa::scalar;
    switch (isa) {
        case Isa::scalar: return true;
        case Isa::avx2: return cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
        case Isa::avx512:
            return cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_avx512bw()
                && cpuinfo_has_x86_avx512dq() && cpuinfo_has_x86_fma3();
    }
    return false;
}

Isa chosen_isa() {
    const char* forced = std::getenv("CONVLAB_ISA");
    if (!forced || !*forced) return cpu_has(Isa::avx512) ? Isa::avx512 : cpu_has(Isa::avx2) ? Isa::avx2 : Isa::scalar;
    for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512}) {
        if (to_string(isa) != forced) continue;
        if (!cpu_has(isa))
            throw std::invalid_argument("CONVLAB_ISA=" + std::string(forced) + ": this CPU lacks " + std::string(forced));
        return isa;
    }
    throw std::invalid_argument("CONVLAB_ISA=" + std::string(forced) + ": unknown ISA (expected avx2, avx512 or scalar)");
}

}  // namespace convlab::direct
