// The SIMD paths of one CPU, for tests that run the engines which choose
// their kernels at run time (direct, indirect) on every path the CPU has.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/machine.hpp"
#include "algorithms/problem.hpp"
#include "tests/presets.hpp"
#include "tests/random_problem.hpp"

namespace convlab::testing {

// Sets CONVLAB_ISA for the scope (a name, valid or not), restoring what was there.
class ForcedIsa {
public:
    explicit ForcedIsa(const std::string& name) {
        if (const char* old = std::getenv("CONVLAB_ISA")) before_ = old;
        setenv("CONVLAB_ISA", name.c_str(), 1);
    }
    explicit ForcedIsa(Isa isa) : ForcedIsa(std::string(to_string(isa))) {}
    ~ForcedIsa() {
        if (before_) setenv("CONVLAB_ISA", before_->c_str(), 1);
        else unsetenv("CONVLAB_ISA");
    }
    ForcedIsa(const ForcedIsa&) = delete;
    ForcedIsa& operator=(const ForcedIsa&) = delete;

private:
    std::optional<std::string> before_;
};

// The ISAs this CPU runs, widest first.
inline std::vector<Isa> isas_of_this_cpu() {
    std::vector<Isa> list;
    for (Isa isa : {Isa::avx512, Isa::avx2, Isa::scalar})
        if (this_machine().runs(isa)) list.push_back(isa);
    return list;
}

// For each ISA of this CPU, forced, `check(problem)` on the presets, the
// engine's chosen shapes and 60 random problems from `seed` (CONVLAB_SEED
// replays one), each set a section of its own.
template <class Descriptors, class Check>
void check_on_every_isa(const Descriptors& chosen, uint64_t seed, Check check) {
    for (Isa isa : isas_of_this_cpu()) {
        ForcedIsa forced(isa);
        const std::string name(to_string(isa));
        INFO("CONVLAB_ISA=" << name);
        SECTION(name + " presets") {
            for (const Problem& p : presets()) check(p);
        }
        SECTION(name + " chosen shapes") {
            for (const char* d : chosen) check(Problem::parse(d));
        }
        SECTION(name + " random problems") {
            const uint64_t replayed = test_seed(seed);
            INFO("CONVLAB_SEED=" << replayed);
            RandomProblems random(replayed);
            for (int i = 0; i < 60; ++i) check(random.next());
        }
    }
}

}  // namespace convlab::testing
