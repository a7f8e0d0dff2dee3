#include "harness/measure/placement.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "harness/measure/roofline.hpp"

namespace convlab {

double fma_peak_at(const PeakFigures& peak, int threads) {
    if (const auto used = peak.fma_gflops_used.find(threads); used != peak.fma_gflops_used.end()) return used->second;
    const auto found = peak.fma_gflops.find(threads);
    if (found != peak.fma_gflops.end()) return found->second;
    std::string measured;
    for (const auto& [t, gflops] : peak.fma_gflops) measured += (measured.empty() ? "" : ", ") + std::to_string(t);
    throw std::invalid_argument("peak: no FMA figure for " + std::to_string(threads) +
                                " threads (measured: " + (measured.empty() ? "none" : measured) + ")");
}

Placement place(const Problem& p, Direction d, double time_ms, int threads, const PeakFigures& peak) {
    Placement out;
    out.peak_gflops = fma_peak_at(peak, threads);
    out.useful_gflops = p.useful_flops() / (time_ms * 1e6);
    out.peak_fraction = out.useful_gflops / out.peak_gflops;
    out.arith_intensity = arithmetic_intensity(p, d);
    out.attainable_gflops = attainable_gflops(out.arith_intensity, out.peak_gflops, peak.triad_gb_s);
    out.bound = roofline_bound(out.arith_intensity, out.peak_gflops, peak.triad_gb_s);
    return out;
}

bool bounded_by_fma_peak(std::string_view family, std::string_view algorithm, std::string_view implementation) {
    if (family == "winograd" || family == "fft") return false;
    return algorithm.find("wino") == std::string_view::npos && implementation.find("wino") == std::string_view::npos;
}

std::string impossible_rate_reason(const Placement& placed, bool bounded) {
    if (!bounded || placed.peak_gflops <= 0 || placed.useful_gflops <= impossible_rate_margin * placed.peak_gflops)
        return {};
    return fmt::format("useful rate {:.4g} GFLOP/s is {:.2f}x the FMA peak {:.4g}, which a method doing every "
                       "multiply-add cannot pass",
                       placed.useful_gflops, placed.useful_gflops / placed.peak_gflops, placed.peak_gflops);
}

}  // namespace convlab
