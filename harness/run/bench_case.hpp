// One row of `convlab bench`: one algorithm x direction x problem x thread
// count, checked against the reference, then timed, then broken into phases.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "algorithms/algorithm.hpp"
#include "harness/measure/bench_timing.hpp"
#include "harness/measure/peak.hpp"
#include "harness/measure/sentinel.hpp"
#include "harness/io/csv.hpp"
#include "harness/io/benchmark_names.hpp"
#include "harness/run/selection.hpp"
#include "harness/verify/data.hpp"

namespace convlab {

struct CaseSettings {
    TimingOptions timing;
    double budget_gflop = 2.0;  // for slow algorithms (over_budget_reason)
    double max_gflop = 0;       // for every algorithm; 0 = none
    int64_t check_mb = 0;     // minibatch of the correctness check; 0 = the problem's own
    int phase_calls = 3;      // extra untimed calls for the phase breakdown (at most)
    uint64_t check_seed = 1;  // the checker's seed
    uint64_t timing_seed = 2; // the timed inputs' seed (real-valued data)
    Layout layout;            // the tensors' layout (--layout); an algorithm not running in it declines
    DataConditions conditions;  // the distribution of the checked and timed data, and FTZ/DAZ
    const PeakFigures* peak = nullptr;  // the measured machine, for peak_fraction, arith_intensity, bound
    NoiseSentinel* sentinel = nullptr;  // timed around every case (sentinel.hpp); null: none
};

// The columns that identify the row and describe the problem (suite, layer,
// descriptor, layer_class, weight, algorithm, direction, threads, mb, gflop,
// gflop_useful, cache, layout, data, ftz, and isa: the process's ISA cap,
// algorithms/machine.hpp).
ResultRow case_identity(const SelectedProblem& selected, std::string_view algorithm, Direction d, int threads,
                        bool cold_cache, Layout layout = {}, const DataConditions& conditions = {});
// The row of a problem convlab does not do (a 3-D shape-file line).
ResultRow unsupported_row(const SelectedProblem& selected);

// Runs the case in the float mode of settings.conditions (FloatModeScope on
// its threads, from prepare to the last phase call): SKIPPED (over budget, declined, does not fit in memory: with
// the reason, no timing); otherwise the check, then the timing (a FAILED check
// is still timed and stays FAILED) between two noise sentinels (once more when
// either is slow: sentinel_ratio, disturbed), then the phase breakdown as
// phase_<name>_ms columns. The check and the timing share the one primitive
// prepared for the case; a check_mb below the problem's makes the check
// another problem, which the checker prepares apart. Sets the thread count first. Empty when Google
// Benchmark ran nothing (--benchmark_filter-like flags left it out).
std::optional<ResultRow> run_case(const Algorithm& algorithm, const SelectedProblem& selected, Direction d,
                                  int threads, const CaseSettings& settings, BenchSession& session);

}  // namespace convlab
