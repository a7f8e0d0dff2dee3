// The peak probes: sanity only, with loose bounds that a shared, noisy VM
// still meets (the figures themselves are shown by tests/tools/peak_probe).
// Each case runs in about a second or less on an idle 2-core machine.
#include "harness/measure/peak.hpp"

#include <cpuinfo.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>

using namespace convlab;

TEST_CASE("the ISA chosen is the widest listed and its lane count is its width", "[peak]") {
    const auto isas = available_vector_isas();
    REQUIRE_FALSE(isas.empty());
    CHECK(isas.front() == VectorIsa::sse);
    CHECK(widest_vector_isa() == isas.back());
    CHECK(lanes(VectorIsa::sse) == 4);
    CHECK(lanes(VectorIsa::avx2_fma) == 8);
    CHECK(lanes(VectorIsa::avx512f) == 16);
    CHECK(to_string(VectorIsa::avx2_fma) == "avx2+fma");
}

TEST_CASE("the FMA figure is positive and at most twice what the observed clock allows", "[peak]") {
    const VectorIsa isa = widest_vector_isa();
    const double clock = measure_clock_ghz(1);
    CHECK(clock > 0.2);
    CHECK(clock < 8);  // no x86 core runs faster; a broken add chain would
    const double gflops = measure_fma_gflops(isa, 1);
    // Two FMA units of the ISA's width per core is the most any x86 core has.
    CHECK(gflops > 0);
    CHECK(gflops <= 2 * (2 * lanes(isa) * 2 * clock));
}

TEST_CASE("the memory triad's arrays are 4x the last-level cache, at least 64 MiB", "[peak]") {
    REQUIRE(cpuinfo_initialize());
    const int64_t l3 = cpuinfo_get_l3_caches_count() > 0 ? int64_t(cpuinfo_get_l3_cache(0)->size) *
                                                              cpuinfo_get_l3_caches_count()
                                                        : 0;
    if (l3 > 0) CHECK(default_triad_array_bytes() == std::max<int64_t>(4 * l3, int64_t(64) << 20));
    CHECK(default_triad_array_bytes() >= int64_t(64) << 20);
}

TEST_CASE("the triad moves data", "[peak]") {
    // 3 arrays of 1 MiB, beyond L2 on most machines, 1 thread, a few passes.
    const double gb_s = measure_triad_gb_s(int64_t(1) << 18, 1, 4, 3);
    CHECK(gb_s > 0.1);
    CHECK(gb_s < 10000);
}

TEST_CASE("the whole probe fills every figure and its JSON", "[peak]") {
    // 8 MiB triad arrays instead of the >= 128 MiB a real memory figure takes:
    // the test checks the plumbing, and fresh pages are slow to come by in a VM.
    const PeakFigures f = measure_peak({2}, {.triad_array_bytes = int64_t(8) << 20});
    CHECK(f.seconds > 0);
    CHECK(f.fma_gflops.count(1) == 1);  // 1 is always measured
    CHECK(f.fma_gflops.count(2) == 1);
    CHECK(f.observed_clock_ghz > 0.2);
    CHECK(f.fma_flops_per_cycle_per_core > 0);
    CHECK(f.expected_fma_gflops_per_core >= 2 * f.lanes * f.observed_clock_ghz * 0.999);  // >= 1 unit
    CHECK(f.triad_gb_s > 0.1);
    CHECK(f.l2_gb_s > 0.1);
    CHECK(f.triad_array_bytes == int64_t(8) << 20);
    CHECK(f.bandwidth_threads == 2);

    const nlohmann::json j = peak_json(f);
    for (const char* key : {"fma_gflops", "triad_gb_s", "l2_gb_s", "isa", "lanes", "observed_clock_ghz",
                            "fma_flops_per_cycle_per_core", "expected_fma_gflops", "method"})
        CHECK(j.contains(key));
    CHECK(j["fma_gflops"]["2"].get<double>() == f.fma_gflops.at(2));
    CHECK(j["isa"] == f.isa);
    for (const char* figure : {"fma_gflops", "clock_ghz", "triad_gb_s", "l2_gb_s", "expected_fma_gflops"})
        CHECK_FALSE(j["method"][figure].get<std::string>().empty());
}

TEST_CASE("the probes refuse a thread count below 1", "[peak]") {
    CHECK_THROWS_AS(measure_fma_gflops(VectorIsa::sse, 0), std::invalid_argument);
    CHECK_THROWS_AS(measure_clock_ghz(-1), std::invalid_argument);
    CHECK_THROWS_AS(measure_peak({1, 0}), std::invalid_argument);
    CHECK_THROWS_AS(measure_peak({1}, {.triad_array_bytes = -1}), std::invalid_argument);
}
