// The FMA peak's self-check (check_fma_peaks) on figures given by hand and a
// probe injected in place of the timed one: no timing in these tests.
#include <catch2/catch.hpp>

#include "algorithms/problem.hpp"
#include "harness/measure/peak.hpp"
#include "harness/measure/placement.hpp"

using namespace convlab;

namespace {

// A 2-core AVX2 machine at 2 GHz with 2 FMA units: 64 GFLOP/s per core, 128
// expected on both cores; the 2-thread probe read `two_threads`.
PeakFigures figures(double two_threads) {
    PeakFigures f;
    f.lanes = 8;
    f.cores = 2;
    f.usable_cpus = 2;
    f.fma_units = 2;
    f.observed_clock_ghz = 2;
    f.clock_ghz = {{1, 2.0}, {2, 2.0}};
    f.fma_gflops = {{1, 64.0}, {2, two_threads}};
    f.fma_cpus = {{1, {0}}, {2, {0, 1}}};
    f.triad_gb_s = 10;
    return f;
}

const PeakOptions no_pause{.triad_array_bytes = 0, .retries = 2, .retry_pause = std::chrono::milliseconds(0)};

}  // namespace

TEST_CASE("a half-speed N-thread figure is rerun, then named suspect, and fractions use the clock's figure",
          "[peak]") {
    PeakFigures f = figures(64);
    int probes = 0;
    check_fma_peaks(f, [&](int threads) {
        ++probes;
        CHECK(threads == 2);
        return FmaSample{64, {0, 1}};  // still half of what 2 cores do
    }, no_pause);
    CHECK(probes == 2);
    CHECK(f.fma_retries.at(2) == 2);
    CHECK(f.expected_fma_gflops_at.at(2) == Approx(128));
    REQUIRE(f.peak_suspect.count(2) == 1);
    CHECK(f.peak_suspect.at(2).find("below 0.9 x 2 x the 1-thread 64.0") != std::string::npos);
    CHECK(f.peak_suspect.at(2).find("clock-derived 128.0") != std::string::npos);
    CHECK(f.fma_gflops.at(2) == 64);  // the measured figure stays on record
    CHECK(fma_peak_at(f, 2) == Approx(128));
    CHECK(fma_peak_at(f, 1) == 64);
    CHECK(f.peak_suspect.count(1) == 0);

    // A row at 50 useful GFLOP/s is 0.39 of 128, not 0.78 of the suspect 64.
    Problem p;
    p.mb = 1, p.ic = 64, p.oc = 64, p.ih = 56, p.iw = 56, p.oh = 56, p.ow = 56;
    const double ms = p.useful_flops() / 50e6;
    CHECK(place(p, Direction::fwd, ms, 2, f).peak_fraction == Approx(50.0 / 128));

    const nlohmann::json j = peak_json(f);
    CHECK(j["peak_suspect"]["2"].get<std::string>() == f.peak_suspect.at(2));
    CHECK(j["fma_gflops_used"]["2"].get<double>() == Approx(128));
    CHECK(j["fma_retries"]["2"] == 2);
}

TEST_CASE("a rerun that agrees replaces the fooled figure and nothing is suspect", "[peak]") {
    PeakFigures f = figures(64);
    int probes = 0;
    check_fma_peaks(f, [&](int) {
        ++probes;
        return FmaSample{126, {1, 0}};
    }, no_pause);
    CHECK(probes == 1);
    CHECK(f.peak_suspect.empty());
    CHECK(f.fma_gflops.at(2) == 126);
    CHECK(fma_peak_at(f, 2) == 126);
}

TEST_CASE("an agreeing figure is not rerun", "[peak]") {
    PeakFigures f = figures(125);
    check_fma_peaks(f, [](int) -> FmaSample { FAIL("probe rerun"); return {}; }, no_pause);
    CHECK(f.fma_retries.at(2) == 0);
    CHECK(f.peak_suspect.empty());
    CHECK(fma_peak_at(f, 2) == 125);
}

TEST_CASE("two threads on one usable CPU are judged against one CPU's figure", "[peak]") {
    // taskset -c 0 with 2 threads: whatever the probe reads, one CPU does 64.
    PeakFigures f = figures(230);
    f.usable_cpus = 1;
    f.fma_cpus[2] = {0, 0};
    check_fma_peaks(f, [](int) { return FmaSample{230, {0, 0}}; }, no_pause);
    REQUIRE(f.peak_suspect.count(2) == 1);
    CHECK(f.peak_suspect.at(2).find("clock-derived 64.0") != std::string::npos);
    CHECK(fma_peak_at(f, 2) == Approx(64));
}

TEST_CASE("threads that shared a CPU are suspect even at the right rate", "[peak]") {
    PeakFigures f = figures(128);
    f.fma_cpus[2] = {1, 1};
    check_fma_peaks(f, [](int) { return FmaSample{128, {1, 1}}; }, no_pause);
    REQUIRE(f.peak_suspect.count(2) == 1);
    CHECK(f.peak_suspect.at(2).find("1 distinct CPU(s), 2 usable") != std::string::npos);
}

TEST_CASE("the whole number of FMA units rounds up a reading a busy core lowered", "[peak]") {
    CHECK(whole_fma_units(2.04) == 2);
    CHECK(whole_fma_units(1.97) == 2);
    CHECK(whole_fma_units(0.98) == 1);
    CHECK(whole_fma_units(1.45) == 2);  // rounding down would halve the clock-derived peak
    CHECK(whole_fma_units(1.2) == 2);
    CHECK(whole_fma_units(0.4) == 1);

    PeakFigures f = figures(128);
    f.fma_units = 1.45;  // the 1-thread reading a busy core gave
    check_fma_peaks(f, [](int) { return FmaSample{128, {0, 1}}; }, no_pause);
    CHECK(f.expected_fma_gflops_at.at(2) == Approx(128));
    CHECK(f.peak_suspect.empty());
}
