#include "algorithms/direct/isa.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace convlab::direct {

Isa chosen_isa(const Machine& machine) {
    const char* forced = std::getenv("CONVLAB_ISA");
    if (!forced || !*forced) return machine.isa;
    for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512}) {
        if (to_string(isa) != forced) continue;
        if (!machine.runs(isa))
            throw std::invalid_argument("CONVLAB_ISA=" + std::string(forced) + ": this CPU lacks " + std::string(forced));
        return isa;
    }
    throw std::invalid_argument("CONVLAB_ISA=" + std::string(forced) + ": unknown ISA (expected avx2, avx512 or scalar)");
}

}  // namespace convlab::direct
