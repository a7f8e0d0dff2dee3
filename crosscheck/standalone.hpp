// The scaffold of the cross-check programs: each times one library through
// its own public entry points, outside convlab's harness (no Primitive, no
// Google Benchmark, no convlab threading), so that a baseline's figure in
// `convlab bench` can be held against the library run on its own.
//
//   crosscheck_LIB DESCRIPTOR DIRECTION THREADS REPETITIONS MIN_TIME_S
//
// prints one JSON line: {"library", "descriptor", "direction", "threads",
// "median_ms", "min_ms", "repetitions", "implementation"}: the median and the
// fastest of the repetitions' mean call times, as convlab's time_ms_median
// and time_ms_min. The descriptor is parsed by
// convlab's Problem (the grammar, not the harness). A direction the library
// has no implementation of prints {"..., "declined": "why"} and exits 0.
// Bad arguments exit 2 with one line on stderr.
#pragma once

#include <functional>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab::crosscheck {

struct Request {
    Problem problem;
    Direction direction = Direction::fwd;
    int threads = 1;
    int repetitions = 5;
    double min_time_s = 0.05;
};

// Parses argv as above; on error prints the usage and exits 2.
Request parse_request(int argc, char** argv, const char* program);

struct CallTimes {
    double median_ms = 0, min_ms = 0;
};

// Median and minimum over `repetitions` of the mean time of one call (ms),
// each repetition running `call` until min_time_s has passed (at least
// once), after one warm-up call.
CallTimes time_calls(const std::function<void()>& call, int repetitions, double min_time_s);

void print_result(const char* library, const Request& r, const CallTimes& times, const std::string& implementation);
void print_declined(const char* library, const Request& r, const std::string& why);

// Deterministic values in [-1, 1): what fills the tensors (their values do
// not change the time of these kernels on uniform data).
void fill_uniform(float* data, long long count, unsigned seed);

}  // namespace convlab::crosscheck
