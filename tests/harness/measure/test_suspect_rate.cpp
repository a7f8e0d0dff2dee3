// The `suspect` column's rule: a method doing every multiply-add cannot run
// faster than the FMA peak; rows are built on a tiny injected peak.
#include <catch2/catch.hpp>

#include "algorithms/problem.hpp"
#include "harness/measure/placement.hpp"

using namespace convlab;

namespace {

Problem layer() {
    Problem p;
    p.mb = 1, p.ic = 64, p.oc = 64, p.ih = 14, p.iw = 14, p.oh = 14, p.ow = 14, p.kh = 3, p.kw = 3, p.ph = 1,
    p.pw = 1;
    return p;
}

// A row at `useful_gflops` on a machine whose 1-thread peak is `peak`.
Placement row_at(double useful_gflops, double peak) {
    PeakFigures f;
    f.fma_gflops = {{1, peak}};
    f.triad_gb_s = 10;
    const Problem p = layer();
    return place(p, Direction::fwd, p.useful_flops() / (useful_gflops * 1e6), 1, f);
}

}  // namespace

TEST_CASE("only the families that do every multiply-add are bounded by the peak", "[peak]") {
    for (const char* family : {"direct", "gemm", "stride_view", "onednn", "torch", "xnnpack", "reference"})
        CHECK(bounded_by_fma_peak(family, "x", "jit:avx512_core"));
    CHECK_FALSE(bounded_by_fma_peak("winograd", "winograd_f4x3", ""));
    CHECK_FALSE(bounded_by_fma_peak("fft", "fft", ""));
    CHECK_FALSE(bounded_by_fma_peak("onednn", "onednn_winograd", ""));
    CHECK_FALSE(bounded_by_fma_peak("onednn", "onednn", "jit_avx512_core_f32_wino_conv_4x3"));
}

TEST_CASE("a bounded row above 1.02 x a tiny injected peak is suspect, with the reason", "[peak]") {
    const Placement fast = row_at(50, 10);  // five times what the machine can do
    CHECK(fast.peak_fraction == Approx(5));
    const std::string why = impossible_rate_reason(fast, true);
    CHECK(why == "useful rate 50 GFLOP/s is 5.00x the FMA peak 10, which a method doing every multiply-add cannot "
                 "pass");
    CHECK(impossible_rate_reason(fast, false).empty());  // Winograd, FFT: fewer multiplications, may pass it
    CHECK(impossible_rate_reason(row_at(10.1, 10), true).empty());  // within the peak's own spread
    CHECK_FALSE(impossible_rate_reason(row_at(10.3, 10), true).empty());
}
