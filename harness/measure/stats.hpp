// Statistics for timing noise and for comparing two runs.
//
// Spread: a row's repetitions are summarised by their median, and their noise
// by IQR / median (robust to one preempted repetition on a shared machine) and
// by the coefficient of variation (what Google Benchmark's "_cv" reports).
//
// Comparison: the two-sided Mann-Whitney U test between the repetitions of two
// runs, as Google Benchmark's tools/compare.py does it through
// scipy.stats.mannwhitneyu(x, y, alternative='two-sided'): U of the first
// sample, the p-value from the exact null distribution for small samples
// without ties, else from the normal approximation with tie and continuity
// corrections. The tests recompute every expected value with SciPy.
#pragma once

#include <string_view>
#include <vector>

namespace convlab {

// All throw std::invalid_argument on an empty sample or a NaN in it.
double median(std::vector<double> values);
// Linear interpolation between order statistics (numpy.quantile's default,
// "type 7"); q in [0, 1].
double quantile(std::vector<double> values, double q);
// (Q3 - Q1) / median; 0 for a single value. Throws when the median is 0.
double iqr_over_median(const std::vector<double>& values);
// Sample standard deviation (n - 1) over the mean; 0 for a single value.
// Throws when the mean is 0.
double coefficient_of_variation(const std::vector<double>& values);

enum class MannWhitneyMethod {
    automatic,   // scipy's 'auto': exact when either sample has <= 8 values and there are no ties
    exact,       // the null distribution of U enumerated; throws on ties
    asymptotic,  // normal approximation, tie-corrected variance, continuity correction
};

struct MannWhitneyResult {
    double u = 0;        // U of the first sample: pairs (a_i, b_j) with a_i > b_j, ties counting 1/2
    double p_value = 1;  // two-sided
    bool exact = false;  // which method produced p_value
};

// Two-sided test of "a and b come from the same distribution". Throws
// std::invalid_argument on an empty sample, a NaN, or an exact test asked for
// on tied data or on samples too large to enumerate (n1 * n2 > 10000;
// automatic then falls back to the asymptotic p-value).
MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b,
                                 MannWhitneyMethod method = MannWhitneyMethod::automatic);

// Two runs' repetitions of one benchmark (times, or any figure), compared the
// way compare.py reports them: the change of the median and the U test.
struct RepetitionComparison {
    double median_before = 0, median_after = 0;
    double relative_change = 0;  // (median_after - median_before) / median_before
    MannWhitneyResult test;      // automatic method, before as the first sample
    bool significant = false;    // test.p_value < alpha
    // compare.py warns below 9 repetitions a side: the test then has little
    // power, so "not significant" means little.
    bool enough_repetitions = false;
};
// Throws std::invalid_argument as mann_whitney_u does, or when median_before is 0.
RepetitionComparison compare_repetitions(const std::vector<double>& before, const std::vector<double>& after,
                                         double alpha = 0.05);

// Number of ways, out of C(n1 + n2, n1), that two untied samples of sizes n1
// and n2 can interleave with U = u: the exact null distribution. Exposed for
// its test (the counts are symmetric and sum to the binomial coefficient).
std::vector<double> mann_whitney_u_counts(int n1, int n2);

}  // namespace convlab
