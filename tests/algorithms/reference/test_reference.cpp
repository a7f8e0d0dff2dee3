// The reference is the yardstick, so its correctness is established without any
// other algorithm: the golden cases (computed elsewhere in float64), the worked
// example's values as quoted in tests/golden/README.md, central finite
// differences of L = sum(y * dy) for both gradients, and the adjoint identity.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "algorithms/reference/reference.hpp"
#include "algorithms/registry.hpp"
#include "tests/golden_case.hpp"

using namespace convlab;
using convlab::testing::GoldenCase;

namespace {

std::vector<double> widen(const Tensor& t) { return std::vector<double>(t.data(), t.data() + t.size()); }

std::vector<double> random_values(std::mt19937_64& rng, int64_t count) {
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> v(static_cast<size_t>(count));
    for (double& value : v) value = uniform(rng);
    return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
    return sum;
}

std::vector<double> absolute(std::vector<double> v) {
    for (double& value : v) value = std::fabs(value);
    return v;
}

// A small problem (every gradient element is checked by finite differences)
// whose features are spread over the index i, so that 24 consecutive ones
// cover groups, depthwise, stride, dilation, top padding, bottom padding that
// is as deduced, negative (uncovered trailing rows) or larger, and 1-D.
Problem small_problem(std::mt19937_64& rng, int i) {
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    int64_t g = 1, icg = pick(1, 3), ocg = pick(1, 3);
    if (i % 4 == 1) g = 2;
    if (i % 4 == 3) g = pick(2, 4), icg = 1, ocg = 1;  // depthwise
    std::string desc = "g" + std::to_string(g) + "mb" + std::to_string(pick(1, 2)) + "ic" + std::to_string(g * icg) +
                       "oc" + std::to_string(g * ocg);
    auto axis = [&](char a) {
        const int64_t k = pick(1, 3), s = pick(1, 3), d = pick(0, 2), p = pick(0, 2);
        const int64_t extent = (k - 1) * (d + 1) + 1;
        const int64_t in = pick(std::max<int64_t>(1, extent - 2 * p), 7);
        int64_t out = (in + 2 * p - extent) / s + 1;
        if (i % 3 == 1 && out > 1) out -= 1;  // one window fewer: negative bottom padding
        if (i % 3 == 2) out += 1;             // one window more: extra bottom padding
        const std::string x(1, a);
        return "i" + x + std::to_string(in) + "o" + x + std::to_string(out) + "k" + x + std::to_string(k) + "s" + x +
               std::to_string(s) + "p" + x + std::to_string(p) + "d" + x + std::to_string(d);
    };
    if (i % 6 != 5) desc += axis('h');  // every sixth is 1-D: no height entries at all
    desc += axis('w');
    return Problem::parse(desc);
}

double loss(const Problem& p, const std::vector<double>& x, const std::vector<double>& w,
            const std::vector<double>& b, const std::vector<double>& dy) {
    std::vector<double> y(size_t(p.y_elems()));
    reference_fwd(p, x.data(), w.data(), b.data(), y.data());
    return dot(y, dy);
}

// Central difference of the loss along each element of `v`, against `analytic`.
// L is linear in each single element, so the difference has no truncation
// error: what remains is rounding, about 1e-16 * |terms of L| / h.
void check_by_finite_differences(const char* what, std::vector<double>& v, const std::vector<double>& analytic,
                                 const std::function<double()>& evaluate) {
    constexpr double h = 1e-2;
    for (size_t e = 0; e < v.size(); ++e) {
        const double saved = v[e];
        v[e] = saved + h;
        const double up = evaluate();
        v[e] = saved - h;
        const double down = evaluate();
        v[e] = saved;
        INFO(what << "[" << e << "]");
        CHECK(analytic[e] == Approx((up - down) / (2 * h)).margin(1e-8));
    }
}

}  // namespace

TEST_CASE("reference reproduces the golden cases exactly", "[reference][golden]") {
    const std::string name = GENERATE(from_range(testing::golden_case_names));
    const GoldenCase c = testing::load_golden(name);
    INFO(name << ": " << c.descriptor);
    const Problem& p = c.problem;

    SECTION("double functions") {
        std::vector<double> y(size_t(p.y_elems())), dx(size_t(p.x_elems())), dw(size_t(p.w_elems())),
            db(size_t(p.b_elems()));
        reference_fwd(p, widen(c.x).data(), widen(c.w).data(), widen(c.b).data(), y.data());
        reference_bwd_d(p, widen(c.dy).data(), widen(c.w).data(), dx.data());
        reference_bwd_w(p, widen(c.x).data(), widen(c.dy).data(), dw.data(), db.data());
        CHECK(y == widen(c.y));
        CHECK(dx == widen(c.dx));
        CHECK(dw == widen(c.dw));
        CHECK(db == widen(c.db));
    }
    SECTION("the fp32 algorithm") {
        for (Direction d : all_directions) {
            INFO(to_string(d));
            CHECK(testing::golden_mismatch(reference_algorithm(), c, d) == "");
        }
    }
}

TEST_CASE("reference gives the worked example's values quoted in the golden README", "[reference][golden]") {
    const GoldenCase c = testing::load_golden("worked_example");
    const Problem& p = c.problem;
    REQUIRE(p.y_elems() == int64_t(testing::worked_example_y.size()));
    std::vector<double> y(size_t(p.y_elems()));
    reference_fwd(p, widen(c.x).data(), widen(c.w).data(), widen(c.b).data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
        INFO("y element " << i);
        CHECK(y[i] == testing::worked_example_y[i]);
        CHECK(c.y[int64_t(i)] == testing::worked_example_y[i]);  // the README and y.npy agree
    }
}

TEST_CASE("reference gradients match central finite differences", "[reference][gradient]") {
    std::mt19937_64 rng(20261122);
    int strided = 0, dilated = 0, grouped = 0, negative_bottom = 0, asymmetric = 0, one_d = 0;
    for (int i = 0; i < 24; ++i) {
        const Problem p = small_problem(rng, i);
        INFO("problem " << i << ": " << p.str());
        strided += p.sh > 1 || p.sw > 1;
        dilated += p.dh > 0 || p.dw > 0;
        grouped += p.g > 1;
        negative_bottom += p.ph_bottom() < 0 || p.pw_right() < 0;
        asymmetric += p.ph_bottom() != p.ph || p.pw_right() != p.pw;
        one_d += p.ih == 1 && p.kh == 1 && p.oh == 1;

        std::vector<double> x = random_values(rng, p.x_elems()), w = random_values(rng, p.w_elems()),
                            b = random_values(rng, p.b_elems()), dy = random_values(rng, p.y_elems());
        std::vector<double> dx(size_t(p.x_elems())), dw(size_t(p.w_elems())), db(size_t(p.b_elems()));
        reference_bwd_d(p, dy.data(), w.data(), dx.data());
        reference_bwd_w(p, x.data(), dy.data(), dw.data(), db.data());
        const auto evaluate = [&] { return loss(p, x, w, b, dy); };
        check_by_finite_differences("dx", x, dx, evaluate);
        check_by_finite_differences("dw", w, dw, evaluate);
        check_by_finite_differences("db", b, db, evaluate);
    }
    // The draw must actually cover what it claims to.
    CHECK(strided >= 3);
    CHECK(dilated >= 3);
    CHECK(grouped >= 6);
    CHECK(negative_bottom >= 2);
    CHECK(asymmetric >= 6);
    CHECK(one_d >= 3);
}

TEST_CASE("reference directions satisfy the adjoint identity", "[reference][adjoint]") {
    // <fwd(x, w), dy> = <x, bwd_d(dy, w)> = <w, bwd_w(x, dy)>: all three are the
    // same sum of x * w * dy products. Judged relative to the sum of their
    // absolute values, <fwd(|x|, |w|), |dy|>.
    std::mt19937_64 rng(7);
    for (int i = 0; i < 40; ++i) {
        const Problem p = small_problem(rng, i);
        INFO("problem " << i << ": " << p.str());
        const auto x = random_values(rng, p.x_elems()), w = random_values(rng, p.w_elems()),
                   dy = random_values(rng, p.y_elems());
        std::vector<double> y(size_t(p.y_elems())), dx(size_t(p.x_elems())), dw(size_t(p.w_elems()));
        reference_fwd(p, x.data(), w.data(), nullptr, y.data());
        reference_bwd_d(p, dy.data(), w.data(), dx.data());
        reference_bwd_w(p, x.data(), dy.data(), dw.data(), nullptr);
        std::vector<double> y_abs(size_t(p.y_elems()));
        reference_fwd(p, absolute(x).data(), absolute(w).data(), nullptr, y_abs.data());
        const double scale = dot(y_abs, absolute(dy));
        const double forward = dot(y, dy);
        CHECK(std::fabs(forward - dot(x, dx)) <= 1e-12 * scale);
        CHECK(std::fabs(forward - dot(w, dw)) <= 1e-12 * scale);
    }
}
