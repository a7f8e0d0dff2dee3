// onednn_native and the staged oneDNN convolution it shares with
// onednn_blocked: the convolution stage reads only the staged buffers in the
// workspace (the caller's NCHW inputs can change after stage_in without
// changing the result) and writes only them (the caller's outputs are
// written by stage_out alone); each stage reports its own phase; the two
// algorithms run the same kernels on the same workspace.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "algorithms/onednn/onednn_staged.hpp"
#include "tests/algorithm_calls.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"

using namespace convlab;

namespace {

const Algorithm& algorithm(std::string_view name) { return testing::registered(name); }

struct Workspace {
    explicit Workspace(int64_t bytes) : floats(aligned_floats(bytes / 4 + 1)) {
        std::fill(floats.get(), floats.get() + bytes / 4 + 1, NAN);
    }
    std::byte* data() { return reinterpret_cast<std::byte*>(floats.get()); }
    std::unique_ptr<float[], AlignedFree> floats;
};

bool all_nan(const Tensor& t) {
    for (int64_t i = 0; i < t.size(); ++i)
        if (!std::isnan(t[i])) return false;
    return true;
}

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

// The tensors of `d` that oneDNN reorders to or from the workspace, inputs or
// outputs (the others, such as the bias, the convolution reads or writes
// where the caller holds them).
std::vector<Tensor*> staged_tensors(ConvTensors& t, const Problem& p, Direction d, bool output) {
    std::vector<Tensor*> list;
    for (const OperandPlan& o : make_blocked_plan(p, d).operands) {
        if (o.operand.output != output || !o.reorder) continue;
        switch (o.operand.arg) {
            case DNNL_ARG_SRC: list.push_back(&t.x); break;
            case DNNL_ARG_DIFF_SRC: list.push_back(&t.dx); break;
            case DNNL_ARG_WEIGHTS: list.push_back(&t.w); break;
            case DNNL_ARG_DIFF_WEIGHTS: list.push_back(&t.dw); break;
            case DNNL_ARG_BIAS: list.push_back(&t.b); break;
            case DNNL_ARG_DIFF_BIAS: list.push_back(&t.db); break;
            case DNNL_ARG_DIFF_DST: list.push_back(&t.dy); break;
            case DNNL_ARG_DST: list.push_back(&t.y); break;
        }
    }
    return list;
}

std::vector<Tensor*> outputs(ConvTensors& t, Direction d) {
    std::vector<Tensor*> list;
    for (const NamedOutput& out : outputs_of(d, t)) list.push_back(out.tensor);
    return list;
}

ConvArgs args_of(ConvTensors& t, Direction d, std::byte* workspace) {
    ConvArgs a = bind(t, d);
    a.workspace = workspace;
    return a;
}

}  // namespace

TEST_CASE("onednn_native runs onednn_blocked's kernels on the same workspace", "[onednn]") {
    const Algorithm &native = algorithm("onednn_native"), &blocked = algorithm("onednn_blocked");
    CHECK(native.contract().exact_on_integers);
    for (const char* descriptor : {"mb2ic16ih10oc32kh3ph1", "g2mb2ic4ih9oc8kh3sh2ph1", "mb2ic3ih10oc4kh3sh2ph0"})
        for (Direction d : all_directions) {
            const Problem p = Problem::parse(descriptor);
            INFO(descriptor << " " << to_string(d));
            CHECK(testing::decline_reason(native, p, d) == "");
            CHECK(testing::workspace_bytes(native, p, d) == testing::workspace_bytes(blocked, p, d));
            CHECK(native.prepare(p, d, 2).primitive->implementation() == blocked.prepare(p, d, 2).primitive->implementation());
        }
    const Problem rejected = Problem::parse("mb2ic3ih10oc4oh8kh2ph0");  // bottom padding -1 with stride 1
    CHECK(testing::decline_reason(native, rejected, Direction::fwd).rfind("onednn_native: oneDNN requires bottom padding", 0) == 0);
}

TEST_CASE("the staged convolution reads and writes only the staged buffers", "[onednn]") {
    const std::string descriptor = GENERATE("mb2ic16ih10oc32kh3ph1", "g2mb2ic4ih9oc8kh3sh2ph1");
    const Direction d = GENERATE(Direction::fwd, Direction::bwd_d, Direction::bwd_w);
    const Problem p = Problem::parse(descriptor);
    INFO(descriptor << " " << to_string(d));
    const StagedOnednn staged(p, d);
    ConvTensors t = make_tensors(p, d, Fill::integers, 11);
    Workspace ws(staged.workspace_bytes());
    ConvArgs args = args_of(t, d, ws.data());
    // What the algorithm computes, all stages in one call.
    algorithm("onednn_native").prepare(p, d, 2).primitive->execute_staged(args);
    std::vector<std::vector<float>> expected;
    for (Tensor* out : outputs(t, d)) expected.push_back(values(*out)), out->fill(NAN);

    TimingPhases timing_phases;
    args.timing_phases = &timing_phases;
    staged.stage_in(args);
    CHECK(timing_phases.seconds().count("reorder_in") == 1);
    // Those inputs are in the workspace now: poisoning the caller's copies must not matter.
    const std::vector<Tensor*> staged_in = staged_tensors(t, p, d, false), staged_out = staged_tensors(t, p, d, true);
    if (p.ic == 16) CHECK((!staged_in.empty() && !staged_out.empty()));  // channels oneDNN blocks
    for (Tensor* in : staged_in) in->fill(NAN);
    timing_phases.clear();
    staged.run(args);
    CHECK(timing_phases.seconds().size() == 1);
    CHECK(timing_phases.seconds().count("conv") == 1);
    for (Tensor* out : staged_out) CHECK(all_nan(*out));  // written by stage_out, not by run
    staged.stage_out(args);
    CHECK(timing_phases.seconds().count("reorder_out") == 1);
    for (size_t i = 0; i < expected.size(); ++i) {
        INFO("output " << i);
        CHECK(values(*outputs(t, d)[i]) == expected[i]);
    }
}
