// winograd_f2x3 against the double reference in all three directions (exact on
// integer data, within tolerance on real data), its declines, and repeats.
#include <catch2/catch.hpp>

#include "algorithms/registry.hpp"
#include "tests/algorithms/winograd/winograd_test_cases.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {
const Algorithm& f2x3() {
    return testing::registered("winograd_f2x3");
}
}  // namespace

TEST_CASE("winograd_f2x3 matches the reference on 3x3 stride-1 problems", "[winograd_f2x3]") {
    REQUIRE(f2x3().contract().exact_on_integers);
    testing::check_all_directions(f2x3());
}

TEST_CASE("winograd_f2x3 declines other problems with its reason", "[winograd_f2x3]") {
    testing::check_declines(f2x3());
}

TEST_CASE("winograd_f2x3 repeats bit for bit", "[winograd_f2x3]") {
    testing::check_repeatable(f2x3(), "g2mb3ic16ih19oc20kh3ph1");
    testing::check_repeatable(f2x3(), "mb2ic37ih5oc200kh3ph1");  // the filter-streaming forward
}

TEST_CASE("winograd_f2x3 stays well inside its tolerance on a layer-like problem", "[winograd_f2x3]") {
    testing::check_accuracy_on_a_layer(f2x3(), 2e-6);  // measured: about 1e-7
}
