// The minimum repetitions of the significance rule: the fewest per side at
// which the exact two-sided Mann-Whitney test can reach p < alpha at all.
#include "harness/analysis/significance.hpp"

#include <catch2/catch.hpp>
#include <numeric>

#include "harness/measure/stats.hpp"

using namespace convlab;

namespace {

// Wholly separated samples of n each: the most significant outcome there is.
double best_possible_p(size_t n) {
    std::vector<double> low(n), high(n);
    std::iota(low.begin(), low.end(), 1.0);
    std::iota(high.begin(), high.end(), double(n) + 1);
    return mann_whitney_u(low, high, MannWhitneyMethod::exact).p_value;
}

double binomial(size_t n, size_t k) {
    double c = 1;
    for (size_t i = 1; i <= k; ++i) c = c * double(n - k + i) / double(i);
    return c;
}

}  // namespace

TEST_CASE("the minimum repetitions are the fewest at which the test can be significant", "[significance]") {
    for (size_t n = 2; n <= min_repetitions_for_test; ++n) {
        INFO("n = " << n);
        // Only the two extreme orderings of C(2n, n) reach the best U.
        CHECK(best_possible_p(n) == Approx(2 / binomial(2 * n, n)));
    }
    CHECK(best_possible_p(min_repetitions_for_test - 1) >= significance_alpha);  // 3 a side: 0.1
    CHECK(best_possible_p(min_repetitions_for_test) < significance_alpha);       // 4 a side: 0.029
    CHECK_FALSE(enough_repetitions_for_test(min_repetitions_for_test - 1, 100));
    CHECK(enough_repetitions_for_test(min_repetitions_for_test, min_repetitions_for_test));
}
