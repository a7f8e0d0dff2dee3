#include "algorithms/direct/isa.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "algorithms/settings.hpp"

namespace convlab::direct {

Isa isa_named(std::string_view setting, std::string_view name, const Machine& machine) {
    constexpr Isa all[] = {Isa::avx2, Isa::avx512, Isa::scalar};
    const Isa isa = all[one_of(setting, name, {to_string(all[0]), to_string(all[1]), to_string(all[2])})];
    if (machine.runs(isa)) return isa;
    std::vector<std::string_view> available;
    for (Isa other : all)
        if (machine.runs(other)) available.push_back(to_string(other));
    if (this_cpu().runs(isa))  // the CPU has it, the process's ISA cap (--isa) excludes it
        throw SettingError(setting, name, fmt::format("an ISA within the ISA cap: {}", fmt::join(available, ", ")));
    // Refused, not run: the kernels would die of an illegal instruction.
    throw SettingError(setting, name, fmt::format("an ISA this CPU has: {}", fmt::join(available, ", ")));
}

Isa chosen_isa(const Machine& machine) {
    if (const auto forced = environment_setting("CONVLAB_ISA")) return isa_named("CONVLAB_ISA", *forced, machine);
    return machine.isa;
}

}  // namespace convlab::direct
