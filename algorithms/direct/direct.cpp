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
#include "algorithms/threading.hpp"

namespace convlab {

namespace {

class DirectPrimitive final : public Primitive {
public:
    explicit DirectPrimitive(direct::Plan plan) : plan_(std::move(plan)) {}
    void execute(const ConvArgs& args) const override {
        switch (plan_.isa) {
            case direct::Isa::avx512: direct::run_avx512(plan_, args); break;
            case direct::Isa::avx2: direct::run_avx2(plan_, args); break;
            case direct::Isa::scalar: direct::run_scalar(plan_, args); break;
        }
    }
    std::string implementation() const override { return std::string(direct::to_string(plan_.isa)); }
    int64_t workspace_bytes() const { return plan_.total_floats * int64_t(sizeof(float)); }

private:
    direct::Plan plan_;
};

std::unique_ptr<DirectPrimitive> make_primitive(const Problem& p, Direction d, int threads) {
    return std::make_unique<DirectPrimitive>(direct::make_plan(p, d, threads, direct::chosen_isa()));
}

class Direct final : public Algorithm {
public:
    std::string_view name() const override { return "direct"; }
    std::string_view description() const override {
        return "direct convolution, register-blocked AVX-512/AVX2 micro-kernels on channel-blocked layouts "
               "(bwd_d by stride phases, bwd_w by its own kernel), no im2col";
    }
    std::string decline_reason(const Problem&, Direction) const override { return {}; }
    // Per-thread tile buffers: sized for the thread count prepare() will see.
    int64_t workspace_bytes(const Problem& p, Direction d) const override {
        return make_primitive(p, d, max_threads())->workspace_bytes();
    }
    // Products of small integers and their sums are exact in fp32 (FMA or
    // not), so the result is exact on integer data.
    bool exact_on_integers() const override { return true; }
    double tolerance() const override { return 1e-5; }

    std::unique_ptr<Primitive> prepare(const Problem& p, Direction d) const override {
        return make_primitive(p, d, max_threads());
    }
    void run(const Problem& p, Direction d, const ConvArgs& args) const override { prepare(p, d)->execute(args); }
};

}  // namespace

std::unique_ptr<Algorithm> make_direct() { return std::make_unique<Direct>(); }

}  // namespace convlab
