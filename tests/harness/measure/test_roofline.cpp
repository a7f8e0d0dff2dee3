// The roofline helpers, and a row placed on the roofline, on a problem small
// enough to count by hand.
#include "harness/measure/roofline.hpp"
#include "harness/measure/placement.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <stdexcept>

using namespace convlab;

namespace {
// x: 1*2*4*4 = 32, w: 3*2*3*3 = 54, b: 3, y: 1*3*4*4 = 48 elements;
// FLOPs: 2 * mb 1 * oc 3 * oh 4 * ow 4 * ic 2 * kh 3 * kw 3 = 1728; useful
// FLOPs (taps inside the input, 3x3 pad 1 on 4x4: 10 of 12 (output, tap)
// pairs per axis): 2 * 1 * 3 * 2 * 10 * 10 = 1200. The roofline counts those.
const Problem small = Problem::parse("mb1ic2ih4iw4oc3oh4ow4kh3kw3ph1pw1");
}  // namespace

TEST_CASE("compulsory bytes count each direction's inputs and outputs once", "[roofline]") {
    REQUIRE(small.flops() == 1728);
    REQUIRE(small.useful_flops() == 1200);
    CHECK(compulsory_bytes(small, Direction::fwd) == (32 + 54 + 3 + 48) * 4);    // x, w, b -> y
    CHECK(compulsory_bytes(small, Direction::bwd_d) == (48 + 54 + 32) * 4);      // dy, w -> dx
    CHECK(compulsory_bytes(small, Direction::bwd_w) == (32 + 48 + 54 + 3) * 4);  // x, dy -> dw, db
    CHECK(arithmetic_intensity(small, Direction::fwd) == Approx(1200.0 / 548));
    CHECK(arithmetic_intensity(small, Direction::bwd_d) == Approx(1200.0 / 536));
}

TEST_CASE("intensity grows with the reuse of a 1x1 layer's channels", "[roofline]") {
    // A 1x1 layer: FLOPs 2 * oc * ic * hw, bytes 4 * (ic * hw + oc * ic + oc + oc * hw);
    // ic = oc = 256, hw = 196 (14x14): 25690112 / (4 * 166144) = 38.656...
    const Problem one_by_one = Problem::parse("mb1ic256ih14iw14oc256oh14ow14kh1kw1");
    CHECK(arithmetic_intensity(one_by_one, Direction::fwd) == Approx(25690112.0 / (4.0 * 166144)));
}

TEST_CASE("attainable rate is the lower roof and names its bound", "[roofline]") {
    CHECK(attainable_gflops(2, 100, 30) == Approx(60));  // under the memory roof
    CHECK(roofline_bound(2, 100, 30) == "memory");
    CHECK(attainable_gflops(4, 100, 30) == Approx(100));  // under the compute roof
    CHECK(roofline_bound(4, 100, 30) == "compute");
    CHECK(roofline_bound(2.5, 100, 40) == "compute");  // exactly on the ridge: compute
    CHECK_THROWS_AS(attainable_gflops(-1, 100, 30), std::invalid_argument);
    CHECK_THROWS_AS(roofline_bound(std::numeric_limits<double>::quiet_NaN(), 100, 30), std::invalid_argument);
}

TEST_CASE("a row is placed against the FMA figure of its own thread count", "[roofline]") {
    PeakFigures peak;
    peak.fma_gflops = {{1, 100.0}, {2, 190.0}};
    peak.triad_gb_s = 20;
    // small: ai = 1200 / 548 = 2.19..., memory roof 43.8 GFLOP/s, under both compute roofs.
    // 1200 useful FLOPs in 4.8e-5 ms: 25 GFLOP/s (the nominal 1728 would say 36).
    const Placement one = place(small, Direction::fwd, 4.8e-5, 1, peak);
    CHECK(one.peak_gflops == 100);
    CHECK(one.useful_gflops == Approx(25));
    CHECK(one.peak_fraction == Approx(0.25));
    CHECK(one.arith_intensity == Approx(1200.0 / 548));
    CHECK(one.attainable_gflops == Approx(20 * 1200.0 / 548));
    CHECK(one.bound == "memory");
    const double ms_38 = 1200 / 38e6;  // 38 useful GFLOP/s
    const Placement two = place(small, Direction::fwd, ms_38, 2, peak);
    CHECK(two.peak_fraction == Approx(0.2));
    peak.triad_gb_s = 100;  // memory roof 219 GFLOP/s: above the 2-thread compute roof
    CHECK(place(small, Direction::fwd, ms_38, 2, peak).bound == "compute");
    CHECK(place(small, Direction::fwd, ms_38, 2, peak).attainable_gflops == Approx(190));
    CHECK_THROWS_WITH(place(small, Direction::fwd, ms_38, 4, peak), Catch::Contains("measured: 1, 2"));
}
