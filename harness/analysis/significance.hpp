// When two sets of timed repetitions count as different: the one rule that
// `convlab pick` (a winner's margin over the runner-up) and `convlab compare`
// (a row of two runs) apply, and print.
//
// The test is the two-sided Mann-Whitney U (measure/stats.hpp) at alpha 0.05,
// and it needs at least 4 repetitions a side: with n untied values a side the
// smallest two-sided p the exact test can give, when every value of one side
// is below every value of the other, is 2 / C(2n, n): 0.33 at n = 2, 0.10 at
// n = 3, 0.029 at n = 4. Below 4 a side (bench runs the same --repetitions
// for every row) the test can never call a difference significant, so `pick`
// judges such a margin by the rows' spreads instead and `compare` says "too
// few repetitions". Unequal sides: 3 against 4 gives at best 2/35 = 0.057;
// a side of 3 could pass only against 5 or more (2/56 = 0.036), which one
// minimum for both sides gives up to keep the rule simple. Significance is
// not power: compare.py (and RepetitionComparison::enough_repetitions) still
// warns below 9 a side.
#pragma once

#include <cstddef>
#include <string>

namespace convlab {

inline constexpr double significance_alpha = 0.05;
inline constexpr size_t min_repetitions_for_test = 4;

// Both sides have the repetitions the test needs.
inline bool enough_repetitions_for_test(size_t a, size_t b) {
    return a >= min_repetitions_for_test && b >= min_repetitions_for_test;
}

// The rule in words, as pick and compare print it and pick's plan JSON carries it.
std::string significance_rule();

}  // namespace convlab
