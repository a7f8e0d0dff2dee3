// The FMA peak's self-check (peak.hpp, check_fma_peaks): a figure a busy core
// or a narrow affinity mask fooled is rerun, and if it still disagrees, it is
// named suspect and the clock-derived figure stands in for it.
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "harness/measure/peak.hpp"

namespace convlab {

namespace {

constexpr double scaling_floor = 0.9;     // of n x the 1-thread figure
constexpr double expected_tolerance = 0.1;  // either way of the clock-derived figure

// Why `sample` cannot be N threads' FMA peak, or "" when it can.
std::string disagreement(const PeakFigures& f, int threads, const FmaSample& sample) {
    const int usable = std::min({threads, f.cores, std::max(f.usable_cpus, 1)});
    const double expected = f.expected_fma_gflops_at.at(threads);
    const double one = f.fma_gflops.at(1);
    if (sample.gflops < scaling_floor * usable * one)
        return fmt::format("{} threads measured {:.1f} GFLOP/s, below {} x {} x the 1-thread {:.1f}", threads,
                           sample.gflops, scaling_floor, usable, one);
    if (std::abs(sample.gflops - expected) > expected_tolerance * expected)
        return fmt::format("{} threads measured {:.1f} GFLOP/s, {:+.0f}% from the clock-derived {:.1f} ({} CPUs x "
                           "{:.1f} GHz)",
                           threads, sample.gflops, 100 * (sample.gflops / expected - 1), expected, usable,
                           f.clock_ghz.at(threads));
    const std::set<int> cpus(sample.cpus.begin(), sample.cpus.end());
    if (!sample.cpus.empty() && !cpus.count(-1) && int(cpus.size()) < usable)
        return fmt::format("{} threads ran on {} distinct CPU(s), {} usable", threads, cpus.size(), usable);
    return {};
}

}  // namespace

void check_fma_peaks(PeakFigures& f, const FmaProbe& probe, const PeakOptions& options) {
    const double units = whole_fma_units(f.fma_units);
    for (const auto& [threads, gflops] : f.fma_gflops) {
        const int usable = std::min({threads, f.cores, std::max(f.usable_cpus, 1)});
        const double clock = f.clock_ghz.count(threads) ? f.clock_ghz.at(threads) : f.observed_clock_ghz;
        f.expected_fma_gflops_at[threads] = usable * units * f.lanes * 2 * clock;
        f.fma_gflops_used[threads] = gflops;
    }
    for (auto& [threads, gflops] : f.fma_gflops) {
        if (threads == 1) continue;
        FmaSample sample{gflops, f.fma_cpus[threads]};
        std::string why = disagreement(f, threads, sample);
        int& retries = f.fma_retries[threads];
        while (!why.empty() && retries < options.retries) {
            std::this_thread::sleep_for(options.retry_pause);
            sample = probe(threads);
            ++retries;
            why = disagreement(f, threads, sample);
        }
        gflops = sample.gflops;
        f.fma_cpus[threads] = sample.cpus;
        f.fma_gflops_used[threads] = gflops;
        if (why.empty()) continue;
        f.peak_suspect[threads] = fmt::format("{} after {} rerun(s); fractions use the clock-derived {:.1f}", why,
                                              retries, f.expected_fma_gflops_at.at(threads));
        f.fma_gflops_used[threads] = f.expected_fma_gflops_at.at(threads);
    }
}

}  // namespace convlab
