// The SIMD paths of one CPU, for tests that run the engines which choose
// their kernels at run time (direct, indirect) on every path the CPU has.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/machine.hpp"

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

}  // namespace convlab::testing
