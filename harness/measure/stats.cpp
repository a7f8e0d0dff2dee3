#include "harness/measure/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace convlab {

namespace {

// The exact test enumerates the (n1 * n2 + 1)-value distribution in
// O((n1 * n2)^2) steps: bounded so a call stays well under a second.
constexpr double max_exact_pairs = 10000;

void require_sample(const std::vector<double>& values, std::string_view what) {
    if (values.empty()) throw std::invalid_argument(std::string(what) + ": empty sample");
    for (double v : values)
        if (std::isnan(v)) throw std::invalid_argument(std::string(what) + ": NaN in sample");
}

double sorted_quantile(const std::vector<double>& sorted, double q) {
    const double h = (double(sorted.size()) - 1) * q;
    const size_t lo = size_t(std::floor(h));
    if (lo + 1 >= sorted.size()) return sorted.back();
    return sorted[lo] + (h - double(lo)) * (sorted[lo + 1] - sorted[lo]);
}

struct Ranked {
    double rank_sum_a = 0;  // sum of the average ranks (1-based) of the first sample
    double tie_term = 0;    // sum over tie groups of t^3 - t
};

Ranked rank(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<std::pair<double, bool>> all;  // value, from a
    all.reserve(a.size() + b.size());
    for (double v : a) all.emplace_back(v, true);
    for (double v : b) all.emplace_back(v, false);
    std::sort(all.begin(), all.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
    Ranked out;
    for (size_t begin = 0; begin < all.size();) {
        size_t end = begin;
        while (end < all.size() && all[end].first == all[begin].first) ++end;
        const double t = double(end - begin);
        const double average_rank = (double(begin + 1) + double(end)) / 2;
        for (size_t i = begin; i < end; ++i)
            if (all[i].second) out.rank_sum_a += average_rank;
        out.tie_term += t * t * t - t;
        begin = end;
    }
    return out;
}

}  // namespace

double quantile(std::vector<double> values, double q) {
    require_sample(values, "quantile");
    if (!(q >= 0 && q <= 1)) throw std::invalid_argument("quantile: q must be in [0, 1], got " + std::to_string(q));
    std::sort(values.begin(), values.end());
    return sorted_quantile(values, q);
}

double median(std::vector<double> values) {
    require_sample(values, "median");
    return quantile(std::move(values), 0.5);
}

double iqr_over_median(const std::vector<double>& values) {
    require_sample(values, "iqr_over_median");
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const double mid = sorted_quantile(sorted, 0.5);
    if (mid == 0) throw std::invalid_argument("iqr_over_median: the median is 0");
    return (sorted_quantile(sorted, 0.75) - sorted_quantile(sorted, 0.25)) / mid;
}

double coefficient_of_variation(const std::vector<double>& values) {
    require_sample(values, "coefficient_of_variation");
    const double n = double(values.size());
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
    if (mean == 0) throw std::invalid_argument("coefficient_of_variation: the mean is 0");
    if (values.size() == 1) return 0;
    double squares = 0;
    for (double v : values) squares += (v - mean) * (v - mean);
    return std::sqrt(squares / (n - 1)) / mean;
}

// f(i, j, u): interleavings of i values of the first sample and j of the
// second with u pairs (first > second). The largest value is either from the
// first sample (it beats all j others: f(i-1, j, u-j)) or from the second
// (f(i, j-1, u)). Kept one j layer at a time.
std::vector<double> mann_whitney_u_counts(int n1, int n2) {
    if (n1 < 1 || n2 < 1) throw std::invalid_argument("mann_whitney_u_counts: sample sizes must be >= 1");
    if (double(n1) * n2 > max_exact_pairs)
        throw std::invalid_argument("mann_whitney_u_counts: n1 * n2 = " + std::to_string(int64_t(n1) * n2) +
                                    " is too large to enumerate (limit 10000)");
    const size_t values = size_t(n1) * size_t(n2) + 1;
    // layer[i][u] = f(i, j, u) for the current j; j = 0: only u = 0, one way.
    std::vector<std::vector<double>> layer(size_t(n1) + 1, std::vector<double>(values, 0.0));
    for (auto& row : layer) row[0] = 1;
    for (int j = 1; j <= n2; ++j)
        for (int i = 1; i <= n1; ++i) {
            // layer[i] still holds f(i, j-1, .); layer[i-1] already holds f(i-1, j, .).
            const size_t top = size_t(i) * size_t(j);
            for (size_t u = top; u >= size_t(j); --u) layer[i][u] += layer[i - 1][u - size_t(j)];
        }
    return layer[size_t(n1)];
}

MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b,
                                 MannWhitneyMethod method) {
    require_sample(a, "mann_whitney_u (first sample)");
    require_sample(b, "mann_whitney_u (second sample)");
    const double n1 = double(a.size()), n2 = double(b.size());
    const Ranked ranked = rank(a, b);
    MannWhitneyResult result;
    result.u = ranked.rank_sum_a - n1 * (n1 + 1) / 2;
    // Two-sided: the larger of U1 and U2 = n1 n2 - U1 against its upper tail, doubled.
    const double u_max = std::max(result.u, n1 * n2 - result.u);
    const bool ties = ranked.tie_term > 0;

    if (method == MannWhitneyMethod::automatic)
        method = (std::min(n1, n2) <= 8 && !ties && n1 * n2 <= max_exact_pairs) ? MannWhitneyMethod::exact
                                                                                 : MannWhitneyMethod::asymptotic;
    if (method == MannWhitneyMethod::exact) {
        if (ties) throw std::invalid_argument("mann_whitney_u: the exact test needs samples without ties");
        const std::vector<double> counts = mann_whitney_u_counts(int(a.size()), int(b.size()));
        const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
        const double upper = std::accumulate(counts.begin() + int64_t(u_max), counts.end(), 0.0);
        result.p_value = std::min(1.0, 2 * upper / total);
        result.exact = true;
        return result;
    }
    const double n = n1 + n2;
    const double sigma = std::sqrt(n1 * n2 / 12 * ((n + 1) - ranked.tie_term / (n * (n - 1))));
    if (sigma == 0) return result;  // every value tied: no evidence of a difference, p = 1
    // Continuity correction: the upper tail from U - 1/2 counts the mass at U.
    const double z = (u_max - n1 * n2 / 2 - 0.5) / sigma;
    result.p_value = std::min(1.0, std::erfc(z / std::sqrt(2.0)));  // 2 * P(Z > z)
    return result;
}

RepetitionComparison compare_repetitions(const std::vector<double>& before, const std::vector<double>& after,
                                         double alpha) {
    RepetitionComparison out;
    out.test = mann_whitney_u(before, after);
    out.median_before = median(before);
    out.median_after = median(after);
    if (out.median_before == 0) throw std::invalid_argument("compare_repetitions: the median before is 0");
    out.relative_change = (out.median_after - out.median_before) / out.median_before;
    out.significant = out.test.p_value < alpha;
    out.enough_repetitions = before.size() >= 9 && after.size() >= 9;
    return out;
}

}  // namespace convlab
