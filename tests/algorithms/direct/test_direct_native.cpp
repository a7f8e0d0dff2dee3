// direct_native: direct's kernels with the layout conversions as stages. The
// whole staged call matches the reference on every code path and both
// thread counts; the timed call reads the staged copies, not the caller's
// inputs (poisoning those after stage_in changes nothing); and its results
// are direct's, bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "algorithms/tensor.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& native() { return testing::registered("direct_native"); }

const char* const shapes[] = {
    "mb2ic32ih12oc32kh3ph1",       // the tile engine, stride 1
    "mb2ic3ih23oc20oh9kh7sh2ph3",  // few channels, negative bottom padding
    "mb2ic64ih7oc64kh1",           // pointwise on NCHW: no stages
    "mb2ic40ih14oc72kh1sh2",       // strided 1x1: gathered x, scattered dx
    "g2mb2ic64ih9oc32kh1",         // groups
    "g8mb2ic8ih10oc8kh3ph1",       // depthwise: channel lanes, the output blocked
    "g24mb2ic24ih20oc24kh3sh2ph1", // depthwise, stride 2: a partial lane block, bwd_d's stride phases
    "g40mb1ic40ih9oc40kh5ph2dh1",  // depthwise, 5x5 dilated: wider planes than their tiles
    "mb1ic1280ih7oc64kh1",         // a reduction in chunks, their sums in the blocked output
};

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

// The outputs of one whole staged call of `algorithm` on integer data.
std::vector<std::vector<float>> staged_outputs(const Algorithm& algorithm, const Problem& p, Direction d,
                                               bool poison_after_stage_in) {
    ConvTensors t = make_tensors(p, d, Fill::integers, 7);
    auto primitive = algorithm.prepare(p, d, 2).primitive;
    auto workspace = aligned_floats(primitive->workspace_bytes() / 4 + 1);
    ConvArgs a = bind(t, d);
    a.workspace = reinterpret_cast<std::byte*>(workspace.get());
    primitive->stage_in(a);
    if (poison_after_stage_in) {
        // What the kernels read from the staged copies (the bias gradient reads dy in place).
        if (d == Direction::fwd) t.x.fill(NAN), t.w.fill(NAN), t.b.fill(NAN);
        if (d == Direction::bwd_d) t.dy.fill(NAN), t.w.fill(NAN);
        if (d == Direction::bwd_w) t.x.fill(NAN);
    }
    primitive->execute(a);
    primitive->stage_out(a);
    std::vector<std::vector<float>> out;
    for (const NamedOutput& o : outputs_of(d, t)) out.push_back(values(*o.tensor));
    return out;
}

}  // namespace

TEST_CASE("direct_native matches the reference with its conversions staged", "[direct]") {
    for (int threads : {1, 2})
        for (const char* descriptor : shapes)
            for (Direction d : all_directions) {
                INFO(descriptor << " " << to_string(d) << " threads " << threads);
                const Verdict v = check(native(), Problem::parse(descriptor), d, 1, threads);
                INFO(v.reason << " " << v.worst);
                CHECK(v.status == Status::passed);
            }
}

TEST_CASE("direct_native's timed call reads the staged copies and gives direct's results", "[direct]") {
    // The tile engine's shapes: the pointwise path reads NCHW in place and has no stages to test.
    for (const char* descriptor : {"mb2ic32ih12oc32kh3ph1", "mb2ic3ih23oc20oh9kh7sh2ph3", "mb2ic40ih14oc72kh1sh2ph1",
                                   "mb1ic1280ih7oc64kh1", "mb1ic64ih7oc1296kh1"})
        for (Direction d : all_directions) {
            INFO(descriptor << " " << to_string(d));
            const Problem p = Problem::parse(descriptor);
            // Backward weights reads an unpadded 1x1 problem's x in place (whole blocks): no stage to poison.
            if (d == Direction::bwd_w && p.kh == 1 && p.ph == 0) continue;
            const auto direct = staged_outputs(testing::registered("direct"), p, d, false);
            CHECK(staged_outputs(native(), p, d, false) == direct);
            CHECK(staged_outputs(native(), p, d, true) == direct);
        }
}
