// The data distributions of --data: parsed as documented, and the tensors each
// one makes have the property it promises (zeros, subnormals, moments).
#include "harness/verify/data.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "algorithms/settings.hpp"
#include "harness/verify/check.hpp"

using namespace convlab;

namespace {

const Problem layer = Problem::parse("mb4ic32ih28oc32kh3ph1");  // x: 100,352 elements, w: 9,216

double share_of(const Tensor& t, bool (*property)(float)) {
    int64_t n = 0;
    for (int64_t i = 0; i < t.size(); ++i) n += property(t[i]);
    return double(n) / double(t.size());
}

bool is_zero(float v) { return v == 0.0f; }
bool is_subnormal(float v) { return v != 0.0f && std::fabs(v) < std::numeric_limits<float>::min(); }
bool is_negative(float v) { return v < 0.0f; }

}  // namespace

TEST_CASE("data: each distribution is read and written back the same", "[data]") {
    for (const char* text : {"uniform", "normal", "relu", "denormal:0.1", "denormal:0.5", "denormal:0.25"})
        CHECK(to_string(parse_data_spec("--data", text)) == text);
    CHECK(parse_data_spec("--data", "denormal") == DataSpec{Distribution::denormal, 0.1});
    CHECK(parse_data_spec("--data", "denormal:0.02").denormal_share == 0.02);
}

TEST_CASE("data: what is not defined is refused, naming the setting", "[data]") {
    for (const char* text : {"", "Uniform", "gauss", "relu:0.1", "denormal:", "denormal:0", "denormal:0.6",
                             "denormal:-0.1", "denormal:x", "denormal:0.1x", "denormal:nan"}) {
        INFO(text);
        CHECK_THROWS_MATCHES(parse_data_spec("--data", text), SettingError,
                             Catch::Matchers::Predicate<SettingError>([](const SettingError& e) {
                                 return std::string(e.what()).rfind("--data: got '", 0) == 0;
                             }));
    }
    CHECK(parse_on_off("--ftz", "on"));
    CHECK_FALSE(parse_on_off("--ftz", "off"));
    CHECK_THROWS_AS(parse_on_off("--ftz", "yes"), SettingError);
}

TEST_CASE("uniform is the default and the fill of before --data", "[data][fill]") {
    const ConvTensors implicit = make_tensors(layer, Direction::fwd, Fill::reals, 3);
    const ConvTensors uniform = make_tensors(layer, Direction::fwd, Fill::reals, 3, DataSpec{Distribution::uniform});
    REQUIRE(implicit.x.size() == uniform.x.size());
    for (int64_t i = 0; i < implicit.x.size(); ++i) REQUIRE(implicit.x[i] == uniform.x[i]);
    double lo = 1, hi = -1;
    for (int64_t i = 0; i < uniform.x.size(); ++i) lo = std::min<double>(lo, uniform.x[i]), hi = std::max<double>(hi, uniform.x[i]);
    CHECK(lo >= -1.0);
    CHECK(lo < -0.99);
    CHECK(hi < 1.0);
    CHECK(hi > 0.99);
}

TEST_CASE("relu: x non-negative with about half exact zeros, dy half zeros and signed, w dense", "[data][fill]") {
    const DataSpec relu{Distribution::relu};
    const ConvTensors fwd = make_tensors(layer, Direction::fwd, Fill::reals, 1, relu);
    CHECK(share_of(fwd.x, is_zero) == Approx(0.5).margin(0.01));
    CHECK(share_of(fwd.x, is_negative) == 0.0);
    CHECK(share_of(fwd.w, is_zero) == 0.0);
    CHECK(share_of(fwd.w, is_negative) == Approx(0.5).margin(0.03));
    const ConvTensors bwd_d = make_tensors(layer, Direction::bwd_d, Fill::reals, 1, relu);
    CHECK(share_of(bwd_d.dy, is_zero) == Approx(0.5).margin(0.01));
    CHECK(share_of(bwd_d.dy, is_negative) == Approx(0.25).margin(0.01));
}

TEST_CASE("normal: mean 0, variance 1, tails beyond 3", "[data][fill]") {
    const ConvTensors t = make_tensors(layer, Direction::fwd, Fill::reals, 1, DataSpec{Distribution::normal});
    double sum = 0, squares = 0, beyond_3 = 0;
    for (int64_t i = 0; i < t.x.size(); ++i) {
        sum += t.x[i], squares += double(t.x[i]) * t.x[i];
        beyond_3 += std::fabs(t.x[i]) > 3;
    }
    const double n = double(t.x.size()), mean = sum / n;
    CHECK(mean == Approx(0).margin(0.01));  // standard error 0.003
    CHECK(squares / n - mean * mean == Approx(1).margin(0.02));
    CHECK(beyond_3 / n == Approx(0.0027).margin(0.001));  // P(|Z| > 3)
}

TEST_CASE("denormal:SHARE makes that share of x, w and dy subnormal and nonzero, the bias none", "[data][fill]") {
    for (double share : {0.1, 0.5}) {
        INFO("share " << share);
        const DataSpec data{Distribution::denormal, share};
        const ConvTensors fwd = make_tensors(layer, Direction::fwd, Fill::reals, 1, data);
        CHECK(share_of(fwd.x, is_subnormal) == Approx(share).margin(0.01));
        CHECK(share_of(fwd.w, is_subnormal) == Approx(share).margin(0.02));
        CHECK(share_of(fwd.b, is_subnormal) == 0.0);
        CHECK(share_of(fwd.x, is_zero) == 0.0);
        const ConvTensors bwd_w = make_tensors(layer, Direction::bwd_w, Fill::reals, 1, data);
        CHECK(share_of(bwd_w.dy, is_subnormal) == Approx(share).margin(0.01));
    }
}

TEST_CASE("the integer fill ignores the distribution: it must stay exact", "[data][fill]") {
    const ConvTensors plain = make_tensors(layer, Direction::fwd, Fill::integers, 5);
    const ConvTensors denormal = make_tensors(layer, Direction::fwd, Fill::integers, 5, DataSpec{Distribution::denormal, 0.5});
    for (int64_t i = 0; i < plain.w.size(); ++i) REQUIRE(plain.w[i] == denormal.w[i]);
}
