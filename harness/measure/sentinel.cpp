#include "harness/measure/sentinel.hpp"

#include <algorithm>
#include <memory>

#include "harness/measure/peak.hpp"

namespace convlab {

namespace {

// Short enough to add little to a case (two per case), long enough that
// fork/join and timer overhead stay far below the 10% it must see.
constexpr double sentinel_seconds = 0.001;

// The fastest of three back-to-back runs: the first absorbs the threads'
// wake-up and the cores' frequency ramp after whatever ran before, which a
// single 1 ms run counted as disturbance on nearly every case; a spell of
// interference outlasts the 3 ms and still shows.
constexpr int sentinel_runs = 3;

}  // namespace

SentinelProbe fma_sentinel_probe() {
    auto iterations = std::make_shared<int64_t>(0);
    return [iterations](int threads) {
        if (*iterations == 0) *iterations = fma_iterations_for(sentinel_seconds);
        double fastest = time_fma_work(threads, *iterations);
        for (int run = 1; run < sentinel_runs; ++run) fastest = std::min(fastest, time_fma_work(threads, *iterations));
        return fastest;
    };
}

double NoiseSentinel::ratio(int threads) {
    const double seconds = probe_(threads);
    auto [best, added] = best_.emplace(threads, seconds);
    if (!added) best->second = std::min(best->second, seconds);
    return seconds / best->second;
}

SentinelTiming time_between_sentinels(NoiseSentinel& sentinel, int threads, const std::function<Timing()>& time_once,
                                      const std::function<void()>& discard_first) {
    SentinelTiming out;
    auto attempt = [&] {
        const double before = sentinel.ratio(threads);
        out.timing = time_once();
        const double after = sentinel.ratio(threads);
        out.ratio = std::max(before, after);
    };
    attempt();
    if (!out.timing.ran || !out.timing.error.empty()) return out;
    if (out.ratio > disturbed_ratio) {
        discard_first();
        out.retimed = true;
        attempt();
    }
    out.disturbed = out.ratio > disturbed_ratio;
    return out;
}

}  // namespace convlab
