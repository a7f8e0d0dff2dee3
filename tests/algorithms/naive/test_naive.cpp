// naive against the golden cases (float64 results computed elsewhere, integer
// data, so fp32 loops must match bit for bit). Its agreement with the reference
// on every preset and on random problems is in test_registry.cpp and
// test_cross_validation.cpp.
#include <catch2/catch.hpp>

#include <string>

#include "algorithms/registry.hpp"
#include "tests/golden_case.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

TEST_CASE("naive reproduces the golden cases exactly", "[naive][golden]") {
    const Algorithm* naive = find_algorithm("naive");
    REQUIRE(naive != nullptr);
    const std::string name = GENERATE(from_range(testing::golden_case_names));
    const testing::GoldenCase c = testing::load_golden(name);
    INFO(name << ": " << c.descriptor);
    for (Direction d : all_directions) {
        INFO(to_string(d));
        REQUIRE(testing::decline_reason(*naive, c.problem, d) == "");
        CHECK(testing::golden_mismatch(*naive, c, d) == "");
    }
}

TEST_CASE("naive gives the worked example's values quoted in the golden README", "[naive][golden]") {
    // Compare against the README's numbers rather than y.npy, so this does not
    // lean on the file at all.
    testing::GoldenCase quoted = testing::load_golden("worked_example");
    REQUIRE(quoted.y.size() == int64_t(testing::worked_example_y.size()));
    std::copy(testing::worked_example_y.begin(), testing::worked_example_y.end(), quoted.y.data());
    CHECK(testing::golden_mismatch(*find_algorithm("naive"), quoted, Direction::fwd) == "");
}
