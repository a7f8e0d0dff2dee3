// xnnpack: the checker on the geometries XNNPACK is given differently from
// convlab's (stride, groups and depthwise, dilation as a step, asymmetric and
// negative bottom/right padding, 1x1 on its GEMM path) with one and two
// threads; the backward declines; and the staging: run() reads and writes
// only the NHWC buffers in the workspace, and the weights are those of the
// latest stage_in even when changed in place.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/timing_phases.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& xnnpack() { return testing::registered("xnnpack"); }

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

bool all_nan(const Tensor& t) {
    return std::all_of(t.data(), t.data() + t.size(), [](float v) { return std::isnan(v); });
}

}  // namespace

TEST_CASE("xnnpack passes the check on the geometries it is given differently", "[xnnpack]") {
    const std::string descriptor = GENERATE(
        "mb2ic16ih10oc32kh3ph1",                      // plain 3x3, padded
        "mb2ic5ih11oc7kh3sh2ph1",                     // stride 2, odd channels
        "g2mb2ic4ih9oc8kh3sh2ph1",                    // groups
        "g8mb2ic8ih9oc8kh3ph1",                       // depthwise
        "g4mb2ic4ih9oc12kh3ph1",                      // depthwise with a channel multiplier
        "mb2ic6ih12oc4kh3dh1ph2",                     // dilation 1 (step 2)
        "g3mb2ic6ih13iw9oc6kh3kw2dh2dw1ph1pw2",       // groups, dilation, rectangular
        "mb2ic3ih10oc4oh6kh3sh2ph2",                  // asymmetric padding: bottom < top
        "mb2ic3ih10oc4oh8kh2ph0",                     // negative bottom padding
        "mb2ic3ih11iw10oc4oh4ow4kh3kw3sh3sw3ph1pw1",  // stride 3 leaving rows and columns unused
        "mb2ic8ih7oc5kh1",                            // 1x1, XNNPACK's GEMM path
        "mb2ic8ih8oc5kh1sh2");                        // strided 1x1
    const int threads = GENERATE(1, 2);
    const Problem p = Problem::parse(descriptor);
    INFO(descriptor << " threads " << threads);
    REQUIRE(testing::decline_reason(xnnpack(), p, Direction::fwd) == "");
    const Verdict v = check(xnnpack(), p, Direction::fwd, 1, threads);
    INFO(to_string(v.status) << ": " << v.reason << " " << v.worst);
    CHECK(v.status == Status::passed);
}

TEST_CASE("xnnpack declines the backward directions with its reason", "[xnnpack]") {
    const Problem p = Problem::parse("mb2ic16ih10oc32kh3ph1");
    for (Direction d : {Direction::bwd_d, Direction::bwd_w}) {
        INFO(to_string(d));
        CHECK(testing::decline_reason(xnnpack(), p, d) ==
              "xnnpack: forward only: XNNPACK has no backward convolution");
        CHECK(check(xnnpack(), p, d).status == Status::skipped);
    }
    CHECK(xnnpack().properties().baseline);
    CHECK(xnnpack().contract().exact_on_integers);
}

TEST_CASE("xnnpack's run reads and writes only the staged NHWC buffers", "[xnnpack]") {
    const Problem p = Problem::parse("g2mb2ic4ih9oc8kh3sh2ph1");
    const Prepared prepared = xnnpack().prepare(p, Direction::fwd, 2);
    REQUIRE(prepared);
    const Primitive& primitive = *prepared.primitive;
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 11);
    auto storage = aligned_floats(primitive.workspace_bytes() / 4 + 1);
    ConvArgs args = bind(t, Direction::fwd);
    args.workspace = reinterpret_cast<std::byte*>(storage.get());
    primitive.execute_staged(args);
    const std::vector<float> expected = values(t.y);

    TimingPhases timing_phases;
    args.timing_phases = &timing_phases;
    t.y.fill(NAN);
    primitive.stage_in(args);
    CHECK(timing_phases.seconds().count("stage_in") == 1);
    t.x.fill(NAN), t.w.fill(NAN), t.b.fill(NAN);  // staged and packed: the caller's copies no longer matter
    timing_phases.clear();
    primitive.execute(args);
    CHECK(timing_phases.seconds().size() == 1);
    CHECK(timing_phases.seconds().count("conv") == 1);
    CHECK(all_nan(t.y));  // written by stage_out, not by run
    primitive.stage_out(args);
    CHECK(values(t.y) == expected);
}

TEST_CASE("xnnpack packs the weights of each stage_in, even changed in place", "[xnnpack]") {
    const Problem p = Problem::parse("mb2ic8ih7oc5kh3ph1");
    const Prepared prepared = xnnpack().prepare(p, Direction::fwd, 1);
    REQUIRE(prepared);
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 3);
    run_primitive(*prepared.primitive, Direction::fwd, t);
    const std::vector<float> once = values(t.y);
    for (int64_t i = 0; i < t.w.size(); ++i) t.w[i] *= 2;
    for (int64_t i = 0; i < t.b.size(); ++i) t.b[i] *= 2;
    run_primitive(*prepared.primitive, Direction::fwd, t);
    for (int64_t i = 0; i < t.y.size(); ++i) REQUIRE(t.y[i] == 2 * once[size_t(i)]);
}
