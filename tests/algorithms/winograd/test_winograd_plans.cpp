// The Winograd forward's plans for machines other than this one: a larger L2
// gives wider tile blocks and larger filter blocks, and the primitives
// planned for either machine compute the convolution.
#include <catch2/catch.hpp>

#include "algorithms/machine.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_conv.hpp"
#include "algorithms/winograd/winograd_plans.hpp"
#include "harness/verify/check.hpp"

using namespace convlab;

namespace {

Machine with_l2(int64_t l2_bytes) {
    Machine m = this_machine();
    m.l2_bytes = l2_bytes;
    return m;
}

const Machine small_l2 = with_l2(256 * 1024), large_l2 = with_l2(2 * 1024 * 1024);

}  // namespace

TEST_CASE("Winograd's tile blocks widen with the L2", "[winograd]") {
    // 64 channels: F(2,3)'s V and M take 8 KiB per tile; 784 tiles.
    const Problem p = Problem::parse("mb1ic64ih56oc64kh3ph1");
    const TileBlockPlan<TileF2x3> small(p, 1, small_l2), large(p, 1, large_l2);
    CHECK(small.nb < large.nb);
    CHECK(small.blocks > large.blocks);
}

TEST_CASE("Winograd's filter blocks grow with the L2", "[winograd]") {
    // 512 channels on a 7x7 plane: 16 tiles, streamed by blocks of filters
    // of 32 KiB of transformed weights per output channel.
    const Problem p = Problem::parse("mb1ic512ih7oc512kh3ph1");
    const FilterBlockPlan<TileF2x3> small(p, 1, small_l2), large(p, 1, large_l2);
    REQUIRE(small.used);
    REQUIRE(large.used);
    CHECK(small.oc_block < large.oc_block);
}

TEST_CASE("Winograd planned for other machines computes the convolution", "[winograd]") {
    for (const char* descriptor : {"mb1ic64ih30oc32kh3ph1", "mb2ic128ih7oc256kh3ph1"})
        for (const Machine& m : {small_l2, large_l2})
            for (Direction d : {Direction::fwd, Direction::bwd_d}) {
                const Problem p = Problem::parse(descriptor);
                INFO(descriptor << " " << to_string(d) << " L2 " << m.l2_bytes);
                const Prepared prepared = winograd_prepare<TileF2x3>("winograd_f2x3", p, d, 2, m);
                REQUIRE(prepared);
                const Verdict v = check_outputs(p, d, 1, find_algorithm("winograd_f2x3")->contract(),
                                                [&](ConvTensors& t) { run_primitive(*prepared.primitive, d, t); });
                INFO(v.reason << " " << v.worst);
                CHECK(v.status == Status::passed);
            }
}
