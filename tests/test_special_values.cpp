// NaN and Inf in an input propagate as the reference propagates them: exactly
// the outputs that depend on the special value are non-finite. Algorithms that
// mix neighbours (Winograd) may spread them further, never less.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "algorithms/reference/reference.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/presets.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

std::vector<double> to_double(const Tensor& t) { return std::vector<double>(t.data(), t.data() + t.size()); }

// Non-finite pattern of the reference's outputs for `d`, concatenated (dw then db).
std::vector<bool> reference_non_finite(const Problem& p, Direction d, const ConvTensors& t) {
    std::vector<double> out;
    switch (d) {
        case Direction::fwd: {
            out.resize(p.y_elems());
            auto x = to_double(t.x), w = to_double(t.w), b = to_double(t.b);
            reference_fwd(p, x.data(), w.data(), b.data(), out.data());
            break;
        }
        case Direction::bwd_d: {
            out.resize(p.x_elems());
            auto dy = to_double(t.dy), w = to_double(t.w);
            reference_bwd_d(p, dy.data(), w.data(), out.data());
            break;
        }
        case Direction::bwd_w: {
            out.resize(p.w_elems() + p.b_elems());
            auto x = to_double(t.x), dy = to_double(t.dy);
            reference_bwd_w(p, x.data(), dy.data(), out.data(), out.data() + p.w_elems());
            break;
        }
    }
    std::vector<bool> pattern;
    for (double v : out) pattern.push_back(!std::isfinite(v));
    return pattern;
}

std::vector<bool> got_non_finite(Direction d, ConvTensors& t) {
    std::vector<bool> pattern;
    auto add = [&](const Tensor& out) {
        for (int64_t i = 0; i < out.size(); ++i) pattern.push_back(!std::isfinite(out[i]));
    };
    if (d == Direction::fwd) add(t.y);
    if (d == Direction::bwd_d) add(t.dx);
    if (d == Direction::bwd_w) add(t.dw), add(t.db);
    return pattern;
}

}  // namespace

TEST_CASE("NaN and Inf inputs propagate as the reference propagates them", "[special_values]") {
    const float special = GENERATE(std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity());
    const auto preset_name = GENERATE(as<std::string>{}, "winograd_3x3", "stride3_remainder", "asymmetric_padding",
                                      "dilation1", "groups2", "depthwise", "one_d", "kernel_1x1");
    const Problem& p = testing::preset(preset_name);
    for (const auto& algorithm : registry()) {
        for (Direction d : all_directions) {
            if (!testing::decline_reason(*algorithm, p, d).empty()) continue;
            INFO(algorithm->name() << " " << to_string(d) << " " << p.str() << " special " << special);
            ConvTensors t = make_tensors(p, d, Fill::reals, 7);
            Tensor& input = d == Direction::bwd_d ? t.dy : t.x;  // the activation the direction reads
            input[input.size() / 2 + 1] = special;
            const std::vector<bool> expected = reference_non_finite(p, d, t);
            testing::run_algorithm(*algorithm, p, d, t);
            const std::vector<bool> got = got_non_finite(d, t);
            REQUIRE(got.size() == expected.size());
            int64_t spread = 0, missing = 0, expected_count = 0;
            for (size_t i = 0; i < got.size(); ++i) {
                expected_count += expected[i];
                missing += expected[i] && !got[i];
                spread += got[i] && !expected[i];
            }
            CHECK(expected_count > 0);  // the special value reaches some output
            CHECK(missing == 0);
            if (!algorithm->contract().mixes_neighbours) CHECK(spread == 0);
        }
    }
}
