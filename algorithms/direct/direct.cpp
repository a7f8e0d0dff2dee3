// direct: direct convolution with register-blocked SIMD micro-kernels (Zhang,
// Franchetti & Low, ICML 2018; Georganas et al., SC 2018), all three
// directions, every problem. The tensors are converted inside the call to
// channel-blocked layouts (plan.hpp); forward and backward data run the same
// tile kernel (backward data per stride phase, by gathering), backward weights
// its own. AVX-512 and AVX2 kernels are in every build and chosen at run time
// (isa.hpp; CONVLAB_ISA overrides).
#include <memory>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/direct/dispatch.hpp"
#include "algorithms/direct/isa.hpp"
#include "algorithms/direct/plan.hpp"

namespace convlab {

namespace {

class DirectPrimitive final : public Primitive {
public:
    DirectPrimitive(direct::Plan plan, int threads) : Primitive(threads), plan_(std::move(plan)) {}
    std::string implementation() const override { return std::string(direct::to_string(plan_.isa)); }
    // Per-thread tile buffers: sized for the thread count it was prepared for.
    int64_t workspace_bytes() const override { return plan_.total_floats * int64_t(sizeof(float)); }

protected:
    void run(const ConvArgs& args) const override {
        switch (plan_.isa) {
            case direct::Isa::avx512: direct::run_avx512(plan_, args); break;
            case direct::Isa::avx2: direct::run_avx2(plan_, args); break;
            case direct::Isa::scalar: direct::run_scalar(plan_, args); break;
        }
    }

private:
    direct::Plan plan_;
};

class Direct final : public Algorithm {
public:
    std::string_view name() const override { return "direct"; }
    std::string_view family() const override { return "direct"; }
    std::string_view description() const override {
        return "direct convolution, register-blocked AVX-512/AVX2 micro-kernels on channel-blocked layouts "
               "(bwd_d by stride phases, bwd_w by its own kernel), no im2col";
    }
    // Products of small integers and their sums are exact in fp32 (FMA or
    // not), so the result is exact on integer data.
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 1e-5}; }
    // Never declines; the ISA comes from the CPU or CONVLAB_ISA.
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return prepared<DirectPrimitive>(direct::make_plan(p, d, threads, direct::chosen_isa()), threads);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_direct() { return std::make_unique<Direct>(); }

}  // namespace convlab
