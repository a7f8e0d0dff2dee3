// How a row of `convlab bench` is named in Google Benchmark's raw JSON: the
// writer (run/bench_case) and the readers (analysis, `compare`) share it.
#pragma once

#include <string>

#include "harness/io/csv.hpp"

namespace convlab {

// Google Benchmark's name of a row's benchmark in the raw JSON:
// "ALGO/DIR/LAYER/threads:N", "/cache:cold" appended for a cold-cache row,
// "/data:D" for data other than uniform, "/ftz:on" for a row run flushed and
// "/isa:I" for a row run under an ISA cap (--isa) other than native.
std::string benchmark_name(const ResultRow& row);
// A raw JSON benchmark's name as benchmark_name() gave it, without the
// settings Google Benchmark appends ("/min_time:0.050/repeats:5/real_time").
std::string benchmark_base_name(std::string name);
}  // namespace convlab
