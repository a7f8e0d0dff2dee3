// The small decisions of `convlab bench`, each a free function with a test:
// option values, which Google Benchmark flags pass through, the time budget of
// the slow algorithms, and how progress reads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "algorithms/problem.hpp"

namespace convlab {

// "1,2,4" -> {1, 2, 4}; each a positive integer (at most 4096), no repeats.
// Throws UsageError naming the option and the bad value.
std::vector<int> parse_thread_list(const std::string& text);
// A whole number >= 1, or UsageError naming `option`.
int parse_positive_int(const std::string& option, const std::string& text);
// A finite number > 0, or UsageError naming `option`.
double parse_positive_double(const std::string& option, const std::string& text);

// The arguments CLI11 left over, checked to be Google Benchmark flags
// (--benchmark_NAME=VALUE or a bare --benchmark_NAME, --v=N) that convlab does not set itself; returned
// unchanged for benchmark::Initialize. Throws UsageError for anything else,
// and for the flags convlab owns, naming the convlab option to use instead.
std::vector<std::string> benchmark_passthrough(const std::vector<std::string>& extras);

// The slow, reference-like algorithms that --budget-gflop applies to.
bool is_budgeted(std::string_view algorithm);
// "over budget (3.7 GFLOP > 2)" when `algorithm` is budgeted and the problem's
// GFLOP exceed the budget; empty otherwise.
std::string over_budget_reason(std::string_view algorithm, const Problem& p, double budget_gflop);

// "45s", "3m10s", "1h02m".
std::string format_duration(double seconds);

}  // namespace convlab
