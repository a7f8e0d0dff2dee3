// direct: direct convolution with register-blocked SIMD micro-kernels (Zhang,
// Franchetti & Low, ICML 2018; Georganas et al., SC 2018), all three
// directions, every problem. The tensors are converted inside the call to
// channel-blocked layouts (plan.hpp); forward and backward data run the same
// tile kernel (backward data per stride phase, by gathering), backward weights
// its own. AVX-512 and AVX2 kernels are in every build and chosen at run time
// (isa.hpp; CONVLAB_ISA overrides).
//
// direct_native is the same plan and kernels with the layout conversions
// outside the timed call, as onednn_native has oneDNN's reorders: stage_in
// makes the blocked copies of the inputs and weights in the workspace, the
// timed call runs the kernels on them (the engine's tiles into a blocked
// output), stage_out converts the blocked results back (y, dX, dW); its
// depthwise problems run on channel lanes, not on direct's NCHW planes.
// The table then shows both what an NCHW caller pays (direct) and what the
// kernels cost (direct_native).
//
// Both run in nchw:oihw and in nhwc with any weight order: only the
// conversions (reorders.hpp) and the tiles' stores read the tensors, through
// their strides. From NHWC a lane block is a run of contiguous channels per
// pixel; the paths that read NCHW planes in place (pointwise, depthwise
// planes, bwd_w's unblocked x) give way to the blocked route.
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/common/nhwc_layouts.hpp"
#include "algorithms/direct/dispatch.hpp"
#include "algorithms/direct/isa.hpp"
#include "algorithms/direct/plan.hpp"
#include "algorithms/direct/tuning.hpp"

namespace convlab {

namespace {

class DirectPrimitive final : public Primitive {
public:
    DirectPrimitive(direct::Plan plan, int threads, bool tuned)
        : Primitive(threads), plan_(std::move(plan)), tuned_(tuned) {}
    // The ISA, and the tile engine's register tile (lane blocks x pixels),
    // "tuned" when prepare timed the close ones (tuning.hpp).
    std::string implementation() const override {
        std::string name(to_string(plan_.isa));
        if (const auto* e = std::get_if<direct::Engine>(&plan_.path))
            name += " " + std::to_string(e->tile.nb) + "x" + std::to_string(e->tile.ur) + (tuned_ ? " tuned" : "");
        return name;
    }
    // Per-thread tile buffers: sized for the thread count it was prepared for.
    int64_t workspace_bytes() const override { return plan_.total_floats * int64_t(sizeof(float)); }
    // direct_native's plan (Plan::staged) has its conversions as stage_in / stage_out.
    void stage_in(const ConvArgs& args) const override {
        if (plan_.staged) direct::run(plan_, args, direct::Stage::in);
    }
    void stage_out(const ConvArgs& args) const override {
        if (plan_.staged) direct::run(plan_, args, direct::Stage::out);
    }

protected:
    void run(const ConvArgs& args) const override {
        direct::run(plan_, args, plan_.staged ? direct::Stage::conv : direct::Stage::all);
    }

private:
    direct::Plan plan_;
    bool tuned_;
};

// This machine, its ISA the one CONVLAB_ISA names when set.
Machine machine_for_kernels() {
    Machine machine = this_machine();
    machine.isa = direct::chosen_isa(machine);
    return machine;
}

Prepared prepare_direct(const Problem& p, Direction d, int threads, Layout layout, bool staged) {
    bool tuned = false;
    direct::Plan plan = direct::tuned_plan(p, d, threads, machine_for_kernels(), layout, staged, &tuned);
    return prepared<DirectPrimitive>(std::move(plan), threads, tuned);
}

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
        return prepare_layout(p, d, threads, Layout{});
    }
    std::vector<Layout> layouts() const override { return nchw_and_every_nhwc(); }
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return prepare_direct(p, d, threads, layout, false);
    }
};

class DirectNative final : public Algorithm {
public:
    std::string_view name() const override { return "direct_native"; }
    std::string_view family() const override { return "direct"; }
    std::string_view description() const override {
        return "direct's kernels in its own blocked layouts: the conversions from and to the caller's layout "
               "outside the timed call";
    }
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 1e-5}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return prepare_layout(p, d, threads, Layout{});
    }
    std::vector<Layout> layouts() const override { return nchw_and_every_nhwc(); }
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return prepare_direct(p, d, threads, layout, true);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_direct() { return std::make_unique<Direct>(); }
std::unique_ptr<Algorithm> make_direct_native() { return std::make_unique<DirectNative>(); }

}  // namespace convlab
