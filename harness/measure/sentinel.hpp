// The noise sentinel: a fixed short FMA workload (about 1 ms per thread)
// timed on a case's threads just before and just after the case is timed.
// The machine's best sentinel so far is what undisturbed cores do; a sentinel
// more than 10% slower says something else held the cores around the case
// (another process, a frequency drop), so the case is timed once more, and a
// case still disturbed is flagged rather than believed.
#pragma once

#include <functional>
#include <map>

#include "harness/measure/bench_timing.hpp"

namespace convlab {

// Seconds of the fixed workload on `threads` threads.
using SentinelProbe = std::function<double(int threads)>;
// The real one: the widest ISA's FMA chains (peak_kernels), sized to about
// 1 ms on one thread at its first call.
SentinelProbe fma_sentinel_probe();

// A sentinel this many times slower than the best so far marks disturbance.
inline constexpr double disturbed_ratio = 1.10;

class NoiseSentinel {
public:
    explicit NoiseSentinel(SentinelProbe probe) : probe_(std::move(probe)) {}
    // Runs the probe; its time over the best so far at `threads` (the best
    // updated first, so >= 1).
    double ratio(int threads);

private:
    SentinelProbe probe_;
    std::map<int, double> best_;
};

struct SentinelTiming {
    Timing timing;        // the kept timing
    double ratio = 1;     // the slower of the two sentinels around it
    bool retimed = false;
    bool disturbed = false;  // ratio above disturbed_ratio even after the re-time
};

// time_once() between two sentinels; when either is above disturbed_ratio,
// discard_first() (the first attempt's raw records) and time_once() again
// between two new sentinels, once. A timing that did not run or threw is
// kept as it is.
SentinelTiming time_between_sentinels(NoiseSentinel& sentinel, int threads, const std::function<Timing()>& time_once,
                                      const std::function<void()>& discard_first);

}  // namespace convlab
