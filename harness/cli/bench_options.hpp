// The small decisions of `convlab bench` and `validate`, each a free function
// with a test: which Google Benchmark flags pass through and
// how progress reads.
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

// "45s", "3m10s", "1h02m".
std::string format_duration(double seconds);

}  // namespace convlab
