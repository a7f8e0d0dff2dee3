// FloatModeScope sets FTZ and DAZ on the caller and every thread of the team,
// so subnormal arithmetic really flushes there, and puts each thread back.
#include "harness/measure/float_mode.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <vector>

#include <omp.h>

using namespace convlab;

namespace {

// FLT_MIN / 2 computed on each thread of a team of n: 0 under FTZ, subnormal otherwise.
std::vector<float> halved_minimum_on_team(int n) {
    std::vector<float> out(static_cast<size_t>(n));
    volatile float minimum = std::numeric_limits<float>::min();
#pragma omp parallel num_threads(n)
    {
        volatile float half = minimum / 2.0f;
        out[size_t(omp_get_thread_num())] = half;
    }
    return out;
}

}  // namespace

TEST_CASE("FloatModeScope flushes on every thread of the team and restores each", "[float_mode]") {
    const int threads = 3;  // more threads than cores is fine: the mode is per thread, not per core
    const FloatMode caller = this_thread_float_mode();
    const std::vector<FloatMode> team = team_float_modes(threads);
    for (float v : halved_minimum_on_team(threads)) CHECK(v > 0.0f);
    {
        const FloatModeScope flush(true, threads);
        CHECK(this_thread_float_mode() == FloatMode{true, true});
        for (const FloatMode& m : team_float_modes(threads)) CHECK(m == FloatMode{true, true});
        for (float v : halved_minimum_on_team(threads)) CHECK(v == 0.0f);
        volatile float subnormal = std::numeric_limits<float>::min() / 4.0f;  // 0 already: FTZ on this thread
        CHECK(subnormal == 0.0f);
    }
    CHECK(this_thread_float_mode() == caller);
    CHECK(team_float_modes(threads) == team);
    for (float v : halved_minimum_on_team(threads)) CHECK(v > 0.0f);
}

TEST_CASE("FloatModeScope(false) turns a flushing thread back to gradual underflow, then restores it", "[float_mode]") {
    set_this_thread_float_mode({true, true});
    set_team_float_mode(2, {true, true});
    {
        const FloatModeScope gradual(false, 2);
        for (const FloatMode& m : team_float_modes(2)) CHECK(m == FloatMode{false, false});
        for (float v : halved_minimum_on_team(2)) CHECK(v > 0.0f);
    }
    CHECK(this_thread_float_mode() == FloatMode{true, true});
    for (const FloatMode& m : team_float_modes(2)) CHECK(m == FloatMode{true, true});
    set_team_float_mode(2, {false, false});
    set_this_thread_float_mode({false, false});
}

TEST_CASE("float modes are named as the metadata names them", "[float_mode]") {
    CHECK(to_string(FloatMode{true, true}) == "ftz+daz");
    CHECK(to_string(FloatMode{false, false}) == "off");
    CHECK(to_string(FloatMode{true, false}) == "ftz");
    CHECK(to_string(FloatMode{false, true}) == "daz");
}
