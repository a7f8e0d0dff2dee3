// winograd_f6x3 against the double reference in all three directions (within
// its tolerance on integer and on real data), its declines, and repeats.
#include <catch2/catch.hpp>

#include "algorithms/registry.hpp"
#include "tests/algorithms/winograd/winograd_test_cases.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {
const Algorithm& f6x3() {
    return testing::registered("winograd_f6x3");
}
}  // namespace

TEST_CASE("winograd_f6x3 matches the reference on 3x3 stride-1 problems", "[winograd_f6x3]") {
    REQUIRE_FALSE(f6x3().contract().exact_on_integers);  // G holds 2/9, 1/90, 1/45, 32/45
    testing::check_all_directions(f6x3());
}

TEST_CASE("winograd_f6x3 declines other problems with its reason", "[winograd_f6x3]") {
    testing::check_declines(f6x3());
}

TEST_CASE("winograd_f6x3 repeats bit for bit", "[winograd_f6x3]") {
    testing::check_repeatable(f6x3(), "g2mb3ic16ih19oc20kh3ph1");
    testing::check_repeatable(f6x3(), "mb2ic37ih5oc200kh3ph1");  // the filter-streaming forward
}

TEST_CASE("winograd_f6x3 stays well inside its tolerance on a layer-like problem", "[winograd_f6x3]") {
    testing::check_accuracy_on_a_layer(f6x3(), 2e-5);  // measured: about 1.5e-6
}
