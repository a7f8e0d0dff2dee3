#include "harness/measure/placement.hpp"

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

}  // namespace convlab
