// Spread and comparison statistics against SciPy / numpy. Every expected value
// below was produced by the Python line quoted beside it (python3-scipy 1.10,
// numpy 1.24, /usr/bin/python3), so a reader can recompute it.
#include "harness/measure/stats.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

using namespace convlab;

namespace {
const std::vector<double> seven = {3.1, 1.0, 4.1, 5.9, 2.6, 5.3, 5.8};
}

TEST_CASE("quantiles interpolate linearly between order statistics like numpy", "[stats]") {
    // np.quantile([3.1, 1.0, 4.1, 5.9, 2.6, 5.3, 5.8], [0, 0.25, 0.5, 0.75, 0.9, 1])
    //   -> [1.0, 2.85, 4.1, 5.55, 5.84, 5.9]
    CHECK(quantile(seven, 0) == Approx(1.0));
    CHECK(quantile(seven, 0.25) == Approx(2.85));
    CHECK(quantile(seven, 0.5) == Approx(4.1));
    CHECK(quantile(seven, 0.75) == Approx(5.55));
    CHECK(quantile(seven, 0.9) == Approx(5.84));
    CHECK(quantile(seven, 1) == Approx(5.9));
    CHECK(median(seven) == Approx(4.1));
    // np.median([4.0, 1.0, 3.0, 2.0]) -> 2.5; np.quantile([4.0, 1.0, 3.0, 2.0], 0.25) -> 1.75
    CHECK(median({4.0, 1.0, 3.0, 2.0}) == Approx(2.5));
    CHECK(quantile({4.0, 1.0, 3.0, 2.0}, 0.25) == Approx(1.75));
    CHECK(median({7.5}) == 7.5);
}

TEST_CASE("spread: IQR over median and the coefficient of variation", "[stats]") {
    // v = [3.1, 1.0, 4.1, 5.9, 2.6, 5.3, 5.8]
    // (np.quantile(v, .75) - np.quantile(v, .25)) / np.median(v) -> 0.6585365853658537
    CHECK(iqr_over_median(seven) == Approx(0.6585365853658537));
    // np.std(v, ddof=1) / np.mean(v) -> 0.463317172283086
    CHECK(coefficient_of_variation(seven) == Approx(0.463317172283086));
    CHECK(iqr_over_median({2.0}) == 0);
    CHECK(coefficient_of_variation({2.0}) == 0);
}

TEST_CASE("statistics refuse empty samples, NaNs and a zero denominator", "[stats]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THROWS_AS(median({}), std::invalid_argument);
    CHECK_THROWS_AS(quantile({1.0, nan}, 0.5), std::invalid_argument);
    CHECK_THROWS_AS(quantile({1.0}, 1.5), std::invalid_argument);
    CHECK_THROWS_AS(iqr_over_median({-1.0, 0.0, 1.0}), std::invalid_argument);
    CHECK_THROWS_AS(coefficient_of_variation({-1.0, 1.0}), std::invalid_argument);
    CHECK_THROWS_AS(mann_whitney_u({}, {1.0}), std::invalid_argument);
    CHECK_THROWS_AS(mann_whitney_u({1.0, nan}, {1.0}), std::invalid_argument);
    CHECK_THROWS_WITH(mann_whitney_u({1.0, 2.0}, {2.0, 3.0}, MannWhitneyMethod::exact),
                      Catch::Contains("without ties"));
}

TEST_CASE("the exact null distribution of U is the enumerated one", "[stats]") {
    // By brute force over itertools.combinations(range(m + n), m), counting pairs x > y:
    // (2, 2) -> [1, 1, 2, 1, 1]; (3, 3) -> [1, 1, 2, 3, 3, 3, 3, 2, 1, 1]; (2, 4) -> [1, 1, 2, 2, 3, 2, 2, 1, 1]
    CHECK(mann_whitney_u_counts(2, 2) == std::vector<double>{1, 1, 2, 1, 1});
    CHECK(mann_whitney_u_counts(3, 3) == std::vector<double>{1, 1, 2, 3, 3, 3, 3, 2, 1, 1});
    CHECK(mann_whitney_u_counts(2, 4) == std::vector<double>{1, 1, 2, 2, 3, 2, 2, 1, 1});
    CHECK(mann_whitney_u_counts(4, 2) == mann_whitney_u_counts(2, 4));
    CHECK_THROWS_AS(mann_whitney_u_counts(101, 100), std::invalid_argument);
}

TEST_CASE("Mann-Whitney U, exact p-values for small untied samples, as scipy", "[stats]") {
    // mannwhitneyu([10.1, 10.3, 9.8, 10.7, 10.2], [11.0, 10.9, 11.4, 10.6, 11.2],
    //              alternative='two-sided', method='exact') -> (1.0, 0.015873015873015872)
    const auto separated = mann_whitney_u({10.1, 10.3, 9.8, 10.7, 10.2}, {11.0, 10.9, 11.4, 10.6, 11.2});
    CHECK(separated.exact);
    CHECK(separated.u == 1.0);
    CHECK(separated.p_value == Approx(0.015873015873015872));

    // mannwhitneyu([5.1, 4.8, 6.2, 5.9, 4.4, 6.8, 5.5, 5.0], [4.9, 4.1, 5.3, 3.9, 4.6, 5.7],
    //              alternative='two-sided', method='exact') -> (36.0, 0.14185814185814188)
    const auto overlapping = mann_whitney_u({5.1, 4.8, 6.2, 5.9, 4.4, 6.8, 5.5, 5.0}, {4.9, 4.1, 5.3, 3.9, 4.6, 5.7},
                                            MannWhitneyMethod::exact);
    CHECK(overlapping.u == 36.0);
    CHECK(overlapping.p_value == Approx(0.14185814185814188));

    // mannwhitneyu([3.0], [1.0, 2.0], alternative='two-sided', method='exact') -> (2.0, 0.6666666666666666)
    const auto tiny = mann_whitney_u({3.0}, {1.0, 2.0}, MannWhitneyMethod::exact);
    CHECK(tiny.u == 2.0);
    CHECK(tiny.p_value == Approx(0.6666666666666666));
}

TEST_CASE("Mann-Whitney U, normal approximation with tie and continuity corrections, as scipy", "[stats]") {
    // mannwhitneyu([1.2, 3.4, 3.4, 5.0, 2.2, 7.1, 3.4, 9.9, 4.4, 6.0],
    //              [2.0, 3.4, 1.1, 0.5, 2.2, 2.9, 1.7, 3.3, 0.9, 2.5, 1.0],
    //              alternative='two-sided', method='asymptotic') -> (97.0, 0.003358821690012808)
    const auto tied = mann_whitney_u({1.2, 3.4, 3.4, 5.0, 2.2, 7.1, 3.4, 9.9, 4.4, 6.0},
                                     {2.0, 3.4, 1.1, 0.5, 2.2, 2.9, 1.7, 3.3, 0.9, 2.5, 1.0});
    CHECK_FALSE(tied.exact);
    CHECK(tied.u == 97.0);
    CHECK(tied.p_value == Approx(0.003358821690012808));

    // mannwhitneyu([13, 7, 21, 4, 18, 9, 15, 2, 11, 19, 6, 25],
    //              [8, 14, 3, 22, 17, 1, 10, 5, 20, 12, 16, 24, 23, 0.5, 26],
    //              alternative='two-sided', method='asymptotic') -> (84.0, 0.7884125897107042)
    const auto untied = mann_whitney_u({13, 7, 21, 4, 18, 9, 15, 2, 11, 19, 6, 25},
                                       {8, 14, 3, 22, 17, 1, 10, 5, 20, 12, 16, 24, 23, 0.5, 26});
    CHECK_FALSE(untied.exact);
    CHECK(untied.u == 84.0);
    CHECK(untied.p_value == Approx(0.7884125897107042));

    // Small but tied: scipy's 'auto' picks the asymptotic method.
    // mannwhitneyu([1.0, 2.0, 2.0, 3.0], [2.0, 4.0, 5.0], alternative='two-sided', method='auto')
    //   -> (2.0, 0.19908985214820463)
    const auto small_tied = mann_whitney_u({1.0, 2.0, 2.0, 3.0}, {2.0, 4.0, 5.0});
    CHECK_FALSE(small_tied.exact);
    CHECK(small_tied.u == 2.0);
    CHECK(small_tied.p_value == Approx(0.19908985214820463));

    // mannwhitneyu([2.0, 2.0, 2.0], [2.0, 2.0], alternative='two-sided', method='asymptotic') -> (3.0, 1.0)
    const auto all_tied = mann_whitney_u({2.0, 2.0, 2.0}, {2.0, 2.0}, MannWhitneyMethod::asymptotic);
    CHECK(all_tied.u == 3.0);
    CHECK(all_tied.p_value == 1.0);
}

TEST_CASE("two runs' repetitions compare by median change and the U test", "[stats]") {
    const std::vector<double> before = {10.2, 10.4, 10.1, 10.3, 10.6, 10.2, 10.5, 10.3, 10.4};
    const std::vector<double> after = {9.8, 9.9, 10.0, 9.7, 10.1, 9.9, 9.6, 10.0, 9.8};
    // mannwhitneyu(before, after, alternative='two-sided') (auto: ties -> asymptotic)
    //   -> (80.5, 0.0004642082080742411); np.median: 10.3 and 9.9
    const RepetitionComparison c = compare_repetitions(before, after);
    CHECK(c.median_before == Approx(10.3));
    CHECK(c.median_after == Approx(9.9));
    CHECK(c.relative_change == Approx((9.9 - 10.3) / 10.3));
    CHECK(c.test.u == 80.5);
    CHECK(c.test.p_value == Approx(0.0004642082080742411));
    CHECK(c.significant);
    CHECK(c.enough_repetitions);
    CHECK_FALSE(compare_repetitions(before, after, 1e-4).significant);
    // The 5-a-side exact case above: p = 0.0159, significant but with few repetitions.
    const RepetitionComparison few = compare_repetitions({10.1, 10.3, 9.8, 10.7, 10.2}, {11.0, 10.9, 11.4, 10.6, 11.2});
    CHECK(few.significant);
    CHECK_FALSE(few.enough_repetitions);
}
