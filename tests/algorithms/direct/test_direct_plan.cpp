// direct's plan for machines other than this one: the blocking follows the
// caches it is given (a 256 KiB and a 2 MiB L2), and every such plan still
// computes the convolution (run with this CPU's kernels, checked against the
// reference).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <variant>

#include "algorithms/direct/dispatch.hpp"
#include "algorithms/direct/plan.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/settings.hpp"
#include "algorithms/tensor.hpp"
#include "harness/verify/check.hpp"

using namespace convlab;

namespace {

Machine with_l2(int64_t l2_bytes) {
    Machine m = this_machine();
    m.l1d_bytes = 32 * 1024, m.l2_bytes = l2_bytes;
    return m;
}

const Machine small_l2 = with_l2(256 * 1024), large_l2 = with_l2(2 * 1024 * 1024);

direct::Engine engine_of(const Problem& p, Direction d, const Machine& m) {
    const direct::Plan plan = direct::make_plan(p, d, 1, m);
    REQUIRE(std::holds_alternative<direct::Engine>(plan.path));
    return std::get<direct::Engine>(plan.path);
}

void run(const direct::Plan& plan, const ConvArgs& args) {
    switch (plan.isa) {
        case Isa::avx512: return direct::run_avx512(plan, args, direct::Stage::all);
        case Isa::avx2: return direct::run_avx2(plan, args, direct::Stage::all);
        case Isa::scalar: return direct::run_scalar(plan, args, direct::Stage::all);
    }
}

}  // namespace

TEST_CASE("direct keeps a 3x3 layer's weights hot across rows only when the L2 holds them", "[direct]") {
    // 64 x 64 x 3 x 3 floats: 144 KiB of weights, more than half of a 256
    // KiB L2, a fourteenth of a 2 MiB one.
    const Problem p = Problem::parse("mb1ic64ih28oc64kh3ph1");
    CHECK_FALSE(engine_of(p, Direction::fwd, small_l2).rows_outer);
    CHECK(engine_of(p, Direction::fwd, large_l2).rows_outer);
}

TEST_CASE("direct runs a 1x1 reduction in chunks only when its tile's weights outgrow the L2", "[direct]") {
    // 1024 input channels: 64 KiB of weights per block of output channels,
    // a quarter of a 256 KiB L2 for each lane block of the tile.
    const Problem p = Problem::parse("mb1ic1024ih7oc256kh1");
    const direct::Engine small = engine_of(p, Direction::fwd, small_l2);
    const direct::Engine large = engine_of(p, Direction::fwd, large_l2);
    CHECK(small.chunk_blocks < small.in.blocks);
    CHECK(large.chunk_blocks == large.in.blocks);
}

TEST_CASE("direct's plans for other machines compute the convolution", "[direct]") {
    for (const char* descriptor : {"mb1ic64ih28oc64kh3ph1", "mb2ic1024ih7oc256kh1", "mb2ic256ih14oc64kh1sh2"})
        for (const Machine& m : {small_l2, large_l2})
            for (Direction d : all_directions) {
                const Problem p = Problem::parse(descriptor);
                INFO(descriptor << " " << to_string(d) << " L2 " << m.l2_bytes);
                const direct::Plan plan = direct::make_plan(p, d, 2, m);
                const Verdict v = check_outputs(p, d, 1, find_algorithm("direct")->contract(), [&](ConvTensors& t) {
                    Tensor workspace({plan.total_floats});  // poisoned: nothing may read it before writing
                    std::fill(workspace.data(), workspace.data() + workspace.size(), std::nanf(""));
                    ConvArgs args = bind(t, d);
                    args.workspace = reinterpret_cast<std::byte*>(workspace.data());
                    run(plan, args);
                });
                INFO(v.reason << " " << v.worst);
                CHECK(v.status == Status::passed);
            }
}

TEST_CASE("direct_native's depthwise plans take the channel lanes, their output blocked, where direct's take planes",
          "[direct]") {
    const Problem p = Problem::parse("g32mb2ic32ih56oc32kh3ph1");
    const Machine m = this_machine();
    for (Direction d : all_directions) {
        INFO(to_string(d));
        const direct::Plan staged = direct::make_plan(p, d, 2, m, {}, true);
        CHECK(!std::holds_alternative<direct::DepthwisePlanes>(staged.path));
        if (const auto* e = std::get_if<direct::Engine>(&staged.path)) CHECK((e->depthwise && e->blocked_out));
        if (d != Direction::bwd_d) CHECK(std::holds_alternative<direct::DepthwisePlanes>(direct::make_plan(p, d, 2, m).path));
    }
}

TEST_CASE("every register tile prepare may time computes the convolution", "[direct]") {
    const Machine m = this_machine();
    int timed_candidates = 0;
    for (const char* descriptor : {"mb2ic32ih28oc64kh3ph1", "mb1ic64ih14oc32kh3sh2ph1", "mb2ic64ih7oc64kh1",
                                   "mb2ic16ih56oc16kh1sh2", "g32mb2ic32ih28oc32kh3ph1"})
        for (bool staged : {false, true})
            for (Direction d : {Direction::fwd, Direction::bwd_d}) {
                const Problem p = Problem::parse(descriptor);
                const int ranks = direct::close_tiles(direct::make_plan(p, d, 2, m, {}, staged));
                timed_candidates += ranks > 1;
                for (int rank = 0; rank < ranks; ++rank) {
                    INFO(descriptor << " " << to_string(d) << " staged " << staged << " rank " << rank);
                    const direct::Plan plan = direct::make_plan(p, d, 2, m, {}, staged, rank);
                    const Verdict v = check_outputs(p, d, 1, find_algorithm("direct")->contract(), [&](ConvTensors& t) {
                        Tensor workspace({plan.total_floats});
                        std::fill(workspace.data(), workspace.data() + workspace.size(), std::nanf(""));
                        ConvArgs args = bind(t, d);
                        args.workspace = reinterpret_cast<std::byte*>(workspace.data());
                        run(plan, args);
                    });
                    INFO(v.reason << " " << v.worst);
                    CHECK(v.status == Status::passed);
                }
            }
    CHECK(timed_candidates > 0);  // the model does leave close tiles on these shapes
}

TEST_CASE("CONVLAB_DIRECT_TUNE=off keeps the model's tile, untimed", "[direct]") {
    const Problem p = Problem::parse("mb2ic32ih28oc64kh3ph1");
    const direct::Plan model = direct::make_plan(p, Direction::fwd, 2, this_machine());
    REQUIRE(direct::close_tiles(model) > 1);
    setenv("CONVLAB_DIRECT_TUNE", "off", 1);
    const std::string off = find_algorithm("direct")->prepare(p, Direction::fwd, 2).primitive->implementation();
    unsetenv("CONVLAB_DIRECT_TUNE");
    const std::string on = find_algorithm("direct")->prepare(p, Direction::fwd, 2).primitive->implementation();
    const direct::Tile tile = std::get<direct::Engine>(model.path).tile;
    CHECK(off == std::string(to_string(model.isa)) + " " + std::to_string(tile.nb) + "x" + std::to_string(tile.ur));
    CHECK(on.ends_with(" tuned"));
    setenv("CONVLAB_DIRECT_TUNE", "sometimes", 1);
    CHECK_THROWS_AS(find_algorithm("direct")->prepare(p, Direction::fwd, 2), SettingError);
    unsetenv("CONVLAB_DIRECT_TUNE");
}
