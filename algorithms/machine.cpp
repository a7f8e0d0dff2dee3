#include "algorithms/machine.hpp"

#include <cpuinfo.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "algorithms/settings.hpp"

namespace convlab {

namespace {

int64_t total_bytes(const cpuinfo_cache* caches, uint32_t count) {
    int64_t total = 0;
    for (uint32_t i = 0; i < count; ++i) total += int64_t(caches[i].size);
    return total;
}

int64_t last_level_bytes() {
    if (cpuinfo_get_l4_caches_count() > 0) return total_bytes(cpuinfo_get_l4_caches(), cpuinfo_get_l4_caches_count());
    if (cpuinfo_get_l3_caches_count() > 0) return total_bytes(cpuinfo_get_l3_caches(), cpuinfo_get_l3_caches_count());
    return total_bytes(cpuinfo_get_l2_caches(), cpuinfo_get_l2_caches_count());
}

Isa widest_isa() {
    if (cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_avx512bw()
        && cpuinfo_has_x86_avx512dq() && cpuinfo_has_x86_fma3())
        return Isa::avx512;
    if (cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3()) return Isa::avx2;
    return Isa::scalar;
}

Machine read_this_machine() {
    if (!cpuinfo_initialize()) throw std::runtime_error("cpuinfo_initialize failed: cache sizes unknown");
    const cpuinfo_cache* l1d = cpuinfo_get_l1d_cache(0);
    const cpuinfo_cache* l2 = cpuinfo_get_l2_cache(0);
    if (!l1d || l1d->size == 0) throw std::runtime_error("cpuinfo reports no L1 data cache");
    if (!l2 || l2->size == 0) throw std::runtime_error("cpuinfo reports no L2 cache");
    Machine m;
    m.l1d_bytes = int64_t(l1d->size);
    m.l2_bytes = int64_t(l2->size);
    m.last_level_bytes = last_level_bytes();
    m.isa = widest_isa();
    return m;
}

}  // namespace

std::string_view to_string(Isa isa) {
    switch (isa) {
        case Isa::scalar: return "scalar";
        case Isa::avx2: return "avx2";
        case Isa::avx512: return "avx512";
    }
    return "?";
}

int lanes(Isa isa) { return isa == Isa::avx512 ? 16 : 8; }

const Machine& this_cpu() {
    static const Machine machine = read_this_machine();
    return machine;
}

const Machine& this_machine() { return process_isa_cap().machine(); }

std::optional<Isa> parse_isa_cap(std::string_view setting, std::string_view text) {
    constexpr std::optional<Isa> all[] = {Isa::avx2, Isa::avx512, std::nullopt};
    return all[one_of(setting, text, {isa_cap_name(all[0]), isa_cap_name(all[1]), isa_cap_name(all[2])})];
}

std::string_view isa_cap_name(std::optional<Isa> cap) { return cap ? to_string(*cap) : "native"; }

void IsaCap::set(std::string_view setting, std::optional<Isa> cap) {
    if (cap && !cpu_.runs(*cap)) {
        std::vector<std::string_view> available = {"native"};
        for (Isa isa : {Isa::avx2, Isa::avx512})
            if (cpu_.runs(isa)) available.push_back(to_string(isa));
        // Refused, not run: the kernels would die of an illegal instruction.
        throw SettingError(setting, isa_cap_name(cap), fmt::format("an ISA this CPU has: {}", fmt::join(available, ", ")));
    }
    if (latched_ && cap != cap_)
        throw SettingError(setting, isa_cap_name(cap),
                           fmt::format("{}, the cap this process's libraries already run at (one cap per process)",
                                       isa_cap_name(cap_)));
    cap_ = cap;
    capped_ = cpu_;
    if (cap) capped_.isa = *cap;
}

IsaCap& process_isa_cap() {
    static IsaCap cap(this_cpu());
    return cap;
}

}  // namespace convlab
