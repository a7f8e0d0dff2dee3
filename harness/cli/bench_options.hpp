// The small decisions of `convlab bench` and `validate`, each a free function
// with a test: which Google Benchmark flags pass through, the time budget of
// the slow algorithms, and how progress reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// The arguments CLI11 left over, checked to be Google Benchmark flags
// (--benchmark_NAME=VALUE or a bare --benchmark_NAME, --v=N) that convlab does not set itself; returned
// unchanged for benchmark::Initialize. Throws UsageError for anything else,
// and for the flags convlab owns, naming the convlab option to use instead.
std::vector<std::string> benchmark_passthrough(const std::vector<std::string>& extras);

// "over budget (3.7 GFLOP > 2)" when the algorithm is slow (its properties
// say so: naive, reference) and the problem's GFLOP exceed the budget, which
// 0 turns off; empty otherwise. The same rule in `validate` and `bench`.
std::string over_budget_reason(const Algorithm& algorithm, const Problem& p, double budget_gflop);

// "45s", "3m10s", "1h02m".
std::string format_duration(double seconds);

}  // namespace convlab
