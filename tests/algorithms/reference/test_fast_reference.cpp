// The checker's im2col + dgemm reference against the plain loops it stands in
// for: exactly equal on integer data, equal to double rounding on real data,
// over random problems (every feature the random generator covers) and over
// one layer wide enough to be split into several bands of output rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "algorithms/algorithm.hpp"
#include "algorithms/reference/fast_reference.hpp"
#include "algorithms/reference/reference.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

std::vector<double> values(std::mt19937_64& rng, int64_t count, bool integers) {
    std::uniform_int_distribution<int> small(-3, 3);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> v(static_cast<size_t>(count));
    for (double& value : v) value = integers ? small(rng) : uniform(rng);
    return v;
}

std::vector<double> absolute(std::vector<double> v) {
    for (double& value : v) value = std::fabs(value);
    return v;
}

// Runs one direction with both references; `scale` is the plain reference on
// absolute values (the sum of |terms| of each output).
struct Outputs {
    std::vector<double> plain, fast, scale;
};

Outputs run_both(const Problem& p, Direction d, std::mt19937_64& rng, bool integers) {
    auto x = values(rng, p.x_elems(), integers), w = values(rng, p.w_elems(), integers);
    auto b = values(rng, p.b_elems(), integers), dy = values(rng, p.y_elems(), integers);
    Outputs o;
    auto run = [&](auto fwd, auto bwd_d, auto bwd_w, const std::vector<double>& xs, const std::vector<double>& ws,
                   const std::vector<double>& bs, const std::vector<double>& dys) {
        std::vector<double> out;
        switch (d) {
            case Direction::fwd:
                out.resize(size_t(p.y_elems()));
                fwd(p, xs.data(), ws.data(), bs.data(), out.data());
                break;
            case Direction::bwd_d:
                out.resize(size_t(p.x_elems()));
                bwd_d(p, dys.data(), ws.data(), out.data());
                break;
            case Direction::bwd_w:
                out.resize(size_t(p.w_elems() + p.b_elems()));
                bwd_w(p, xs.data(), dys.data(), out.data(), out.data() + p.w_elems());
                break;
        }
        return out;
    };
    o.plain = run(reference_fwd, reference_bwd_d, reference_bwd_w, x, w, b, dy);
    o.fast = run(fast_reference_fwd, fast_reference_bwd_d, fast_reference_bwd_w, x, w, b, dy);
    o.scale = run(reference_fwd, reference_bwd_d, reference_bwd_w, absolute(x), absolute(w), absolute(b),
                  absolute(dy));
    return o;
}

// The largest |fast - plain| / scale (scale 0: the absolute difference).
double worst_relative(const Outputs& o) {
    double worst = 0;
    for (size_t i = 0; i < o.plain.size(); ++i) {
        const double diff = std::fabs(o.fast[i] - o.plain[i]);
        worst = std::max(worst, o.scale[i] > 0 ? diff / o.scale[i] : diff);
    }
    return worst;
}

// Elements where the two differ at all (a count, not the vectors: Catch2
// would print millions of elements).
int64_t mismatches(const Outputs& o) {
    int64_t count = 0;
    for (size_t i = 0; i < o.plain.size(); ++i) count += o.fast[i] != o.plain[i];
    return count;
}

void compare(const Problem& p, uint64_t seed) {
    std::mt19937_64 rng(seed);
    for (Direction d : {Direction::fwd, Direction::bwd_d, Direction::bwd_w}) {
        INFO(fmt::format("{} {}", p.str(), to_string(d)));
        const Outputs integers = run_both(p, d, rng, true);
        CHECK(mismatches(integers) == 0);
        // Two double summation orders of the same terms differ by a few units
        // of 2^-53 of the sum of |terms|; a wrong index costs a whole term.
        CHECK(worst_relative(run_both(p, d, rng, false)) <= 1e-14);
    }
}

}  // namespace

TEST_CASE("the fast reference equals the plain loops on random problems", "[reference]") {
    const uint64_t seed = testing::test_seed(20261202);
    testing::RandomProblems problems(seed);
    for (int i = 0; i < 300; ++i) compare(problems.next(), seed + uint64_t(i));
}

TEST_CASE("the fast reference equals the plain loops across bands of output rows", "[reference]") {
    // 576 taps x 128 columns x 8 bytes per output row: 56 rows a band, three bands.
    const Problem p = Problem::parse("mb2ic64ih128oc2oh128kh3ph1");
    REQUIRE(band_budget_bytes / (p.icg() * p.kh * p.kw * p.ow * 8) < p.oh);
    compare(p, 7);
}

TEST_CASE("the fast reference equals the plain loops with groups across bands", "[reference]") {
    const Problem p = Problem::parse("g2mb1ic128ih96iw512oc4kh3kw3sh2ph1dh1");
    REQUIRE(band_budget_bytes / (p.icg() * p.kh * p.kw * p.ow * 8) < p.oh);
    compare(p, 8);
}
