// What `convlab pick` reads: one or more bench CSVs, the meta.json beside each
// (the algorithms' family, baseline and slow flags, the measured peak) and,
// when present, the raw results beside each (every repetition of every row;
// analysis/raw_results_reader.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/analysis/pick_plan.hpp"

namespace convlab::pick {

// The machine a run measured, at the run's thread count.
struct MachinePeak {
    double fma_gflops = 0;  // meta.json peak.fma_gflops_used[threads] (older runs: fma_gflops)
    double triad_gb_s = 0;  // meta.json peak.triad_gb_s
};

struct Results {
    std::vector<std::string> sources;  // the CSVs, as given
    AlgorithmTable algorithms;         // the union of their metadata
    int threads = 0;                   // the thread count whose rows were kept
    std::string cache = "warm";
    Measurements measurements;
    std::optional<MachinePeak> peak;   // from the first CSV's meta.json with a figure at `threads`
    int rows_with_repetitions = 0;     // rows whose raw JSON gave the repetitions the test needs (significance.hpp)
    int passed_rows = 0;
    // PASSED rows left out because their `suspect` column says the rate is
    // one the machine cannot reach: "layer direction algorithm".
    std::vector<std::string> suspect_rows;
};

// PASSED rows at `threads` (0: the largest thread count in the CSVs) and the
// given cache setting, but suspect ones (listed in suspect_rows). Throws InputError for a missing file, a CSV without
// meta.json or without PASSED rows at that thread count, an algorithm the
// metadata does not describe, metadata that disagrees between CSVs, a row
// present in two CSVs, and a raw results file that is not one.
Results read_results(const std::vector<std::string>& csvs, int threads, const std::string& cache = "warm");

}  // namespace convlab::pick
