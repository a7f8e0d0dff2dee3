// Prints the machine peak as `convlab peak` will record it (harness/measure/
// peak.hpp), plus the single-thread FMA rate of every vector ISA the CPU has,
// which shows how wide its FMA units really are (Zen 4 runs a 512-bit FMA as
// two 256-bit halves: AVX-512 and AVX2 then reach the same FLOP/cycle).
//
//   build/tests/peak_probe [--json] [THREADS ...]   (default: 1 .. cores)
#include <cpuinfo.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "harness/measure/peak.hpp"

int main(int argc, char** argv) try {
    bool json = false;
    std::vector<int> threads;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        size_t used = 0;
        const int t = std::stoi(argv[i], &used);
        if (used != std::strlen(argv[i]) || t < 1) throw std::invalid_argument(std::string("bad thread count: ") + argv[i]);
        threads.push_back(t);
    }
    if (!cpuinfo_initialize()) throw std::runtime_error("cpuinfo_initialize failed");
    if (threads.empty())
        for (int t = 1; t <= int(cpuinfo_get_cores_count()); ++t) threads.push_back(t);

    const convlab::PeakFigures f = convlab::measure_peak(threads);
    if (json) {
        std::printf("%s\n", convlab::peak_json(f).dump(2).c_str());
        return 0;
    }
    std::printf("isa %s (%d lanes), %d cores, probe took %.2f s\n", f.isa.c_str(), f.lanes, f.cores, f.seconds);
    for (const auto& [t, gflops] : f.fma_gflops)
        std::printf("  %2d threads: FMA %7.1f GFLOP/s at %.3f GHz observed\n", t, gflops, f.clock_ghz.at(t));
    std::printf("FLOP/cycle/core %.2f = %.3f x (%d lanes x 2): %s\n", f.fma_flops_per_cycle_per_core, f.fma_units,
                f.lanes, f.fma_units_whole ? "a whole number of FMA units" : "NOT within 5% of a whole number");
    std::printf("expected %.1f GFLOP/s per core, %.1f for the machine\n", f.expected_fma_gflops_per_core,
                f.expected_fma_gflops);
    std::printf("triad %.1f GB/s (%d threads, 3 arrays of %lld MiB); L2 triad %.1f GB/s (%lld KiB per array per thread)\n",
                f.triad_gb_s, f.bandwidth_threads, (long long)(f.triad_array_bytes >> 20), f.l2_gb_s,
                (long long)(f.l2_array_bytes_per_thread >> 10));
    for (convlab::VectorIsa isa : convlab::available_vector_isas()) {
        const double gflops = convlab::measure_fma_gflops(isa, 1);
        std::printf("  1 thread %-9s %7.1f GFLOP/s = %5.1f FLOP/cycle\n", std::string(to_string(isa)).c_str(),
                    gflops, gflops / f.observed_clock_ghz);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "peak_probe: %s\n", e.what());
    return 1;
}
