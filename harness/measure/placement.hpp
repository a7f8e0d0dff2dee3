// One benchmark row placed against the measured machine (peak.hpp) and the
// roofline of its problem (roofline.hpp): the CSV's peak_fraction,
// arith_intensity and bound columns. A placement counts only the useful FLOPs
// (Problem::useful_flops: taps inside the input), the arithmetic any method
// must do, so a direct kernel that skips padding taps cannot pass the peak;
// the CSV's gflops_median keeps the nominal count, for comparing algorithms.
#pragma once

#include <string>
#include <string_view>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "harness/measure/peak.hpp"

namespace convlab {

struct Placement {
    double peak_gflops = 0;        // the FMA figure at the row's thread count (fma_peak_at)
    double useful_gflops = 0;      // useful FLOPs over the row's time
    double peak_fraction = 0;      // useful_gflops over peak_gflops
    double arith_intensity = 0;    // useful FLOP per compulsory byte
    double attainable_gflops = 0;  // min(peak_gflops, arith_intensity x triad_gb_s)
    std::string_view bound;        // "compute" or "memory"
};

// The FMA GFLOP/s of `threads` threads: fma_gflops_used when the self-check
// ran (the clock-derived figure for a suspect one), else the measured. Throws
// std::invalid_argument naming the counts that were measured when `threads`
// is not one of them.
double fma_peak_at(const PeakFigures& peak, int threads);

// The memory roof is the triad bandwidth (measured with
// peak.bandwidth_threads threads, normally the most the run uses).
// `time_ms` is the row's time (the median) for one call on `p`.
Placement place(const Problem& p, Direction d, double time_ms, int threads, const PeakFigures& peak);

// Whether a method does every useful multiply-add, so that its useful rate
// cannot pass the FMA peak: every family but winograd and fft, and no library
// kernel whose name or implementation says Winograd (onednn_winograd, or
// oneDNN's own choice of a "wino" kernel), which do fewer multiplications.
bool bounded_by_fma_peak(std::string_view family, std::string_view algorithm, std::string_view implementation);

// How far above the peak a bounded method's useful rate may read before the
// row is suspect: the peak's own trial-to-trial spread is about 1%.
inline constexpr double impossible_rate_margin = 1.02;

// The CSV's `suspect` column: why the row's rate is one the machine cannot
// reach (a bounded method above impossible_rate_margin x its peak; a timing
// that missed work, or a peak read too low), or "" for a believable row.
std::string impossible_rate_reason(const Placement& placed, bool bounded);

}  // namespace convlab
