// The noise sentinel with an injected probe (seconds given, not timed): a
// slow sentinel re-times the case once, and a case still disturbed is flagged.
#include <catch2/catch.hpp>

#include <vector>

#include "harness/measure/sentinel.hpp"

using namespace convlab;

namespace {

// A sentinel whose probe returns the given seconds in turn, then 1 ms.
struct Scripted {
    std::vector<double> seconds;
    size_t next = 0;
    NoiseSentinel sentinel{[this](int) { return next < seconds.size() ? seconds[next++] : 1e-3; }};
};

Timing ran(double ms) {
    Timing t;
    t.ran = true;
    t.median_ms = ms;
    return t;
}

}  // namespace

TEST_CASE("the sentinel's ratio is over the best so far at that thread count", "[sentinel]") {
    Scripted s{{1e-3, 2e-3, 0.5e-3, 1e-3}};
    CHECK(s.sentinel.ratio(2) == Approx(1));
    CHECK(s.sentinel.ratio(2) == Approx(2));
    CHECK(s.sentinel.ratio(2) == Approx(1));  // a new best
    CHECK(s.sentinel.ratio(2) == Approx(2));
}

TEST_CASE("quiet sentinels: timed once, not disturbed", "[sentinel]") {
    Scripted s{{1e-3, 1.05e-3}};
    int timed = 0, discarded = 0;
    const SentinelTiming out = time_between_sentinels(s.sentinel, 2, [&] { return ran(++timed); }, [&] { ++discarded; });
    CHECK(timed == 1);
    CHECK(discarded == 0);
    CHECK_FALSE(out.retimed);
    CHECK_FALSE(out.disturbed);
    CHECK(out.ratio == Approx(1.05));
}

TEST_CASE("a slow sentinel re-times the case once and keeps the second timing", "[sentinel]") {
    // best 1 ms; after the case 1.5 ms: disturbed; the re-time's sentinels are quiet.
    Scripted s{{1e-3, 1.5e-3, 1e-3, 1.02e-3}};
    int timed = 0, discarded = 0;
    const SentinelTiming out = time_between_sentinels(s.sentinel, 2, [&] { return ran(++timed); }, [&] { ++discarded; });
    CHECK(timed == 2);
    CHECK(discarded == 1);
    CHECK(out.retimed);
    CHECK_FALSE(out.disturbed);
    CHECK(out.timing.median_ms == 2);
    CHECK(out.ratio == Approx(1.02));
}

TEST_CASE("a case still disturbed after the re-time is flagged with its ratio", "[sentinel]") {
    Scripted s{{1e-3, 1.5e-3, 1.3e-3, 1e-3}};  // the re-time's sentinel before it is slow too
    int timed = 0;
    const SentinelTiming out = time_between_sentinels(s.sentinel, 1, [&] { return ran(++timed); }, [] {});
    CHECK(timed == 2);
    CHECK(out.retimed);
    CHECK(out.disturbed);
    CHECK(out.ratio == Approx(1.3));
}

TEST_CASE("a timing that threw is not re-timed", "[sentinel]") {
    Scripted s{{1e-3, 3e-3}};
    int timed = 0;
    const SentinelTiming out = time_between_sentinels(s.sentinel, 1, [&] {
        Timing t = ran(++timed);
        t.error = "boom";
        return t;
    }, [] {});
    CHECK(timed == 1);
    CHECK_FALSE(out.retimed);
}

TEST_CASE("the real sentinel times its workload", "[sentinel]") {
    const SentinelProbe probe = fma_sentinel_probe();
    CHECK(probe(1) > 0);  // plumbing only: the value is the machine's
}
