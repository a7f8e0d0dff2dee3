// direct and direct_native in NHWC (every weight order) against the double
// reference through check(): the unstaged call (direct) and the staged one
// (direct_native: stage_in, the timed call, stage_out), all three directions,
// on one shape per path of the plan (the tile engine, flat and gathered 1x1,
// the chunked reduction, groups, depthwise, the shapes that take the NCHW-only
// paths in nchw), on every ISA of this CPU and 1 and 2 threads. The plan in
// NHWC never takes a path that reads NCHW planes in place.
#include <catch2/catch.hpp>

#include <variant>

#include "algorithms/direct/isa.hpp"
#include "algorithms/direct/plan.hpp"
#include "algorithms/machine.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"
#include "tests/forced_isa.hpp"

using namespace convlab;

namespace {

const char* const shapes[] = {
    "mb2ic32ih12oc32kh3ph1",             // tile engine, full blocks, stride 1
    "mb2ic32ih13oc48kh3sh2ph1",          // stride 2, odd plane: bwd_d's stride phases
    "mb1ic16ih11oc16kh3sh3ph1dh1",       // stride 3 with dilation
    "mb2ic3ih23oc20oh9kh7sh2ph3",        // 3 channels, negative bottom padding
    "mb2ic64ih7oc64kh1",                 // flat 1x1 plane
    "mb1ic1280ih7oc64kh1",               // a reduction in chunks (AVX-512)
    "mb2ic40ih14oc72kh1sh2",             // strided 1x1: gathered x, scattered dx
    "mb2ic96ih14oc32kh1sh2",             // nchw: bwd_w reads x in place
    "mb2ic32ih16oc32oh7kh1sh2ph0",       // the last input rows unread
    "g2mb2ic36ih9oc40kh3ph1",            // groups with partial blocks
    "g2mb2ic64ih9oc32kh1",               // 1x1 with groups
    "g32mb2ic32ih10oc32kh3sh2ph1",       // depthwise on the engine
    "g16mb1ic16ih9oc32kh3ph1",           // depthwise with multiplier 2
    "mb2ic20ih16oc13kh1",                // nchw: the pointwise path
    "mb2ic16ih31oc24oh16kh1sh2",         // nchw: pointwise, gathered
    "g24mb2ic24ih20oc24kh3sh2ph1",       // nchw: depthwise planes
    "g16mb1ic16ih12iw40oc16kh3kw3ph1dh1dw1",  // nchw: depthwise planes, dilation
    "mb2ic20iw40oc24kw5sw2pw2",          // 1-D
};

const char* const nhwc_layouts[] = {"nhwc:ohwi", "nhwc:hwio", "nhwc:oihw", "nhwc:iohw"};

void check_layout(const char* algorithm, const char* layout, int threads) {
    const Layout l = parse_layout("layout", layout);
    for (const char* descriptor : shapes)
        for (Direction d : all_directions) {
            INFO("convlab validate --algo " << algorithm << " --layout " << layout << " --dir " << to_string(d)
                                            << " --threads " << threads << " --problem '" << descriptor << "'");
            const Verdict v = check(testing::registered(algorithm), Problem::parse(descriptor), d, 1, threads, l);
            INFO(v.reason << " " << v.worst);
            CHECK(v.status == Status::passed);
        }
}

}  // namespace

TEST_CASE("direct and direct_native match the reference in NHWC on every path, every ISA", "[direct][layout]") {
    for (Isa isa : testing::isas_of_this_cpu()) {
        testing::ForcedIsa forced(isa);
        INFO("CONVLAB_ISA=" << to_string(isa));
        for (const char* algorithm : {"direct", "direct_native"}) check_layout(algorithm, "nhwc:ohwi", 2);
    }
}

TEST_CASE("direct and direct_native match the reference in NHWC with every weight order and 1 thread",
          "[direct][layout]") {
    for (const char* algorithm : {"direct", "direct_native"})
        for (const char* layout : nhwc_layouts) check_layout(algorithm, layout, 1);
}

TEST_CASE("direct in NHWC plans only the blocked routes", "[direct][layout]") {
    Machine machine = this_machine();
    machine.isa = direct::chosen_isa(machine);
    for (const char* descriptor : shapes)
        for (Direction d : all_directions) {
            INFO(descriptor << " " << to_string(d));
            const direct::Plan plan =
                direct::make_plan(Problem::parse(descriptor), d, 2, machine, parse_layout("layout", "nhwc"));
            CHECK_FALSE(std::holds_alternative<direct::Pointwise>(plan.path));
            CHECK_FALSE(std::holds_alternative<direct::DepthwisePlanes>(plan.path));
            if (const auto* g = std::get_if<direct::WeightsGrad>(&plan.path)) CHECK_FALSE(g->x_nchw);
        }
}
