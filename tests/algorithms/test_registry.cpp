// Every registered algorithm against the reference on every named preset, in
// every direction; the adjoint identity tying each algorithm's three
// directions together; and a training check (a conv layer trained
// by each algorithm's own fwd and bwd_w).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "algorithms/reference/reference.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/golden_case.hpp"
#include "tests/presets.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;
using testing::preset;

namespace {

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

std::string reproduce(const Algorithm& algorithm, Direction d, const Problem& p) {
    return "convlab validate --algo " + std::string(algorithm.name()) + " --dir " + std::string(to_string(d)) +
           " --problem '" + p.str() + "'";
}

// Deterministic values in [-scale, scale] in steps of scale/1000, the same on
// every platform (no std:: distribution involved).
void fill_deterministic(Tensor& t, uint64_t seed, float scale) {
    uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    for (int64_t i = 0; i < t.size(); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        t[i] = scale * float(int64_t((state >> 33) % 2001) - 1000) / 1000.0f;
    }
}

Tensor copy_of(const Tensor& t) {
    Tensor copy(t.dims());
    std::copy(t.data(), t.data() + t.size(), copy.data());
    return copy;
}

double dot(const Tensor& a, const Tensor& b) {
    double sum = 0;
    for (int64_t i = 0; i < a.size(); ++i) sum += double(a[i]) * double(b[i]);
    return sum;
}

std::vector<double> absolute(const Tensor& t) {
    std::vector<double> v(size_t(t.size()));
    for (int64_t i = 0; i < t.size(); ++i) v[size_t(i)] = std::fabs(double(t[i]));
    return v;
}

}  // namespace

TEST_CASE("presets are what their names say", "[registry][presets]") {
    std::set<std::string> names;
    for (const Problem& p : testing::presets()) names.insert(p.name);
    CHECK(names.size() == testing::presets().size());

    for (const char* name : testing::golden_case_names) {
        INFO(name);
        const auto file = std::filesystem::path(CONVLAB_GOLDEN_DIR) / name / "descriptor";
        CHECK(preset(name) == Problem::parse(testing::read_descriptor(file)));
    }
    CHECK(preset("mb3ic3ih28oc4kh3").y_dims() == std::vector<int64_t>{3, 4, 26, 26});
    for (const char* name : {"stride2_remainder", "stride3_remainder"}) {
        const Problem& p = preset(name);
        INFO(name);  // the stride leaves input rows and columns after the last window
        CHECK(p.sh == (name[6] - '0'));
        CHECK((p.ih + 2 * p.ph - p.extent_h()) % p.sh != 0);
        CHECK((p.iw + 2 * p.pw - p.extent_w()) % p.sw != 0);
        CHECK((p.ph_bottom() < p.ph && p.pw_right() < p.pw));
    }
    CHECK(preset("asymmetric_padding").ph_bottom() == 2);
    CHECK(preset("asymmetric_padding").pw_right() == 3);
    CHECK(preset("negative_bottom_padding").ph_bottom() == -1);
    CHECK(preset("dilation1").dh == 1);
    CHECK((preset("dilation2").dh == 2 && preset("dilation2").dw == 2));
    CHECK(preset("groups2").g == 2);
    const Problem& depthwise = preset("depthwise");
    CHECK((depthwise.g == depthwise.ic && depthwise.g == depthwise.oc));
    CHECK((preset("one_d").ih == 1 && preset("one_d").kh == 1 && preset("one_d").ow == 10));
    CHECK((preset("input_1x1_padded").ih == 1 && preset("input_1x1_padded").oh == 1));
    for (const char* name : {"winograd_3x3", "winograd_3x3_odd"}) {
        const Problem& p = preset(name);
        CHECK((p.kh == 3 && p.kw == 3 && p.sh == 1 && p.sw == 1 && p.dh == 0 && p.dw == 0 && p.ph == 1));
    }
    CHECK_THROWS_AS(preset("no_such_preset"), std::out_of_range);
}

TEST_CASE("every algorithm passes the check on every preset in every direction", "[registry][check]") {
    const size_t a = GENERATE(range(size_t(0), registry().size()));
    const Direction d = GENERATE(Direction::fwd, Direction::bwd_d, Direction::bwd_w);
    const size_t k = GENERATE(range(size_t(0), testing::presets().size()));
    const Algorithm& algorithm = *registry()[a];
    const Problem& p = testing::presets()[k];
    INFO(reproduce(algorithm, d, p));

    const std::string declined = testing::decline_reason(algorithm, p, d);
    const Verdict v = check(algorithm, p, d);
    INFO(to_string(v.status) << ": " << v.reason << " " << v.worst);
    CHECK(v.status != Status::failed);
    if (declined.empty()) {
        CHECK(v.status == Status::passed);
    } else {
        CHECK(v.status == Status::skipped);
        CHECK(starts_with(declined, std::string(algorithm.name()) + ": "));
        CHECK(starts_with(v.reason, algorithm.name()));
    }
}

TEST_CASE("every algorithm's directions satisfy the adjoint identity", "[registry][adjoint]") {
    // <fwd(x, w), dy> = <x, bwd_d(dy, w)> = <w, bwd_w(x, dy)> = S, the sum of all
    // x * w * dy products. Each output element is within tolerance() times the
    // sum of |terms| of that element of the exact value; weighting by |dy|, |x|
    // or |w| and summing, each inner product is within tolerance() * T of S,
    // where T = <fwd(|x|, |w|), |dy|> is the same for all three. So any two
    // differ by at most 2 * tolerance() * T (plus double rounding, far below).
    const size_t a = GENERATE(range(size_t(0), registry().size()));
    const std::string name = GENERATE("strided_padded_dilated", "grouped", "negative_bottom_padding", "dilation2",
                                      "depthwise", "one_d", "winograd_3x3_odd");
    const Algorithm& algorithm = *registry()[a];
    const Problem& p = preset(name);
    INFO(algorithm.name() << " on " << p.str());

    ConvTensors t;
    t.x = Tensor(p.x_dims()), t.w = Tensor(p.w_dims()), t.dy = Tensor(p.y_dims()), t.y = Tensor(p.y_dims());
    t.dx = Tensor(p.x_dims()), t.dw = Tensor(p.w_dims());
    fill_deterministic(t.x, 1, 1.0f), fill_deterministic(t.w, 2, 1.0f), fill_deterministic(t.dy, 3, 1.0f);
    const Tensor x_in = copy_of(t.x), w_in = copy_of(t.w);
    std::vector<double> products;         // the inner product of each direction that ran
    if (testing::decline_reason(algorithm, p, Direction::fwd).empty()) {
        testing::run_algorithm(algorithm, p, Direction::fwd, t);
        products.push_back(dot(t.y, t.dy));
    }
    if (testing::decline_reason(algorithm, p, Direction::bwd_d).empty()) {
        testing::run_algorithm(algorithm, p, Direction::bwd_d, t);
        products.push_back(dot(x_in, t.dx));
    }
    if (testing::decline_reason(algorithm, p, Direction::bwd_w).empty()) {
        testing::run_algorithm(algorithm, p, Direction::bwd_w, t);
        products.push_back(dot(w_in, t.dw));
    }
    std::vector<double> y_abs(size_t(p.y_elems()));
    reference_fwd(p, absolute(x_in).data(), absolute(w_in).data(), nullptr, y_abs.data());
    const std::vector<double> dy_abs = absolute(t.dy);
    double total = 0;
    for (size_t i = 0; i < y_abs.size(); ++i) total += y_abs[i] * dy_abs[i];

    const double bound = 2 * algorithm.contract().tolerance * total;
    INFO(products.size() << " directions ran; T = " << total << ", bound " << bound);
    for (size_t i = 1; i < products.size(); ++i) CHECK(std::fabs(products[i] - products[0]) <= bound);
}

TEST_CASE("a conv layer trained with each algorithm's fwd and bwd_w fits all-ones in 50 steps", "[registry][training]") {
    // Input mb3 ic3 28x28, weights oc4 ic3 3x3, no padding,
    // bias; mean squared error towards an all-ones output; plain gradient
    // descent. The fit is exact (w = 0, b = 1), so the loss can reach zero.
    //
    // Learning rate 2.0, the classic 1/L step: the loss is quadratic in (w, b)
    // and, for this data, its Hessian's eigenvalues lie in [0.137, 0.505]
    // (computed separately in float64), so the stable limit is 2/0.505 = 3.96.
    // With 2.0 the exact-arithmetic loss after 50 steps is ~5e-17, well below
    // 1e-9; a gradient twice too large diverges (4.0 > 3.96) and one half too
    // small stays near 2.5e-9, so the check catches a mis-scaled bwd_w.
    constexpr double learning_rate = 2.0;
    constexpr int max_steps = 50;
    const size_t a = GENERATE(range(size_t(0), registry().size()));
    const Algorithm& algorithm = *registry()[a];
    const Problem& p = preset("mb3ic3ih28oc4kh3");
    for (Direction d : {Direction::fwd, Direction::bwd_w})
        if (const std::string why = testing::decline_reason(algorithm, p, d); !why.empty()) {
            SUCCEED("skipped: " << why);
            return;
        }

    // The same deterministic start for every algorithm: x and w from fixed
    // seeds (x in [-1, 1], w in [-0.1, 0.1]), zero bias.
    ConvTensors model, grad;  // model: x, w, b -> y; grad: x, dy -> dw, db
    model.x = Tensor(p.x_dims()), model.w = Tensor(p.w_dims()), model.b = Tensor(p.b_dims());
    model.y = Tensor(p.y_dims());
    fill_deterministic(model.x, 11, 1.0f), fill_deterministic(model.w, 12, 0.1f);
    grad.x = copy_of(model.x), grad.dw = Tensor(p.w_dims()), grad.db = Tensor(p.b_dims()), grad.dy = Tensor(p.y_dims());

    const double n = double(p.y_elems());
    auto loss = [&] {
        double sum = 0;
        for (int64_t i = 0; i < model.y.size(); ++i) sum += (double(model.y[i]) - 1) * (double(model.y[i]) - 1);
        return sum / n;
    };
    testing::run_algorithm(algorithm, p, Direction::fwd, model);
    const double initial = loss();
    double current = initial;
    int steps = 0;
    while (steps < max_steps && !(current < 1e-9)) {
        for (int64_t i = 0; i < model.y.size(); ++i) grad.dy[i] = float(2 * (double(model.y[i]) - 1) / n);
        testing::run_algorithm(algorithm, p, Direction::bwd_w, grad);
        for (int64_t i = 0; i < model.w.size(); ++i) model.w[i] -= float(learning_rate * grad.dw[i]);
        for (int64_t i = 0; i < model.b.size(); ++i) model.b[i] -= float(learning_rate * grad.db[i]);
        testing::run_algorithm(algorithm, p, Direction::fwd, model);
        current = loss();
        ++steps;
    }
    std::cout << "training with " << algorithm.name() << ": loss " << initial << " -> " << current << " in "
              << steps << " steps\n";
    INFO(algorithm.name() << ": loss " << initial << " -> " << current << " after " << steps << " steps");
    CHECK(current < 1e-9);
}

TEST_CASE("every algorithm writes nothing past the workspace it reports", "[registry][workspace]") {
    const size_t a = GENERATE(range(size_t(0), registry().size()));
    const Algorithm& algorithm = *registry()[a];
    for (const char* name : {"strided_padded_dilated", "grouped", "winograd_3x3_odd", "kernel_1x1", "depthwise"})
        for (Direction d : all_directions)
            for (int threads : {1, 2}) {
                const Problem& p = preset(name);
                const Prepared prepared = algorithm.prepare(p, d, threads);
                if (!prepared) continue;
                INFO(reproduce(algorithm, d, p) << " at " << threads << " threads");
                ConvTensors t = make_tensors(p, d, Fill::reals, 5);
                CHECK(testing::runs_within_workspace(*prepared.primitive, d, t));
            }
}
