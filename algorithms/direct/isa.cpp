#include "algorithms/direct/isa.hpp"

#include <cpuinfo.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "algorithms/settings.hpp"

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

Isa isa_named(std::string_view setting, std::string_view name) {
    constexpr Isa all[] = {Isa::avx2, Isa::avx512, Isa::scalar};
    const Isa isa = all[one_of(setting, name, {to_string(all[0]), to_string(all[1]), to_string(all[2])})];
    if (cpu_has(isa)) return isa;
    std::vector<std::string_view> available;
    for (Isa other : all)
        if (cpu_has(other)) available.push_back(to_string(other));
    // Refused, not run: the kernels would die of an illegal instruction.
    throw SettingError(setting, name, fmt::format("an ISA this CPU has: {}", fmt::join(available, ", ")));
}

Isa chosen_isa() {
    if (const auto forced = environment_setting("CONVLAB_ISA")) return isa_named("CONVLAB_ISA", *forced);
    return cpu_has(Isa::avx512) ? Isa::avx512 : cpu_has(Isa::avx2) ? Isa::avx2 : Isa::scalar;
}

}  // namespace convlab::direct
