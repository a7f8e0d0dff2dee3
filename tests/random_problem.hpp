// Random small convolution problems for cross-validation: groups (depthwise
// included), strides 1-4 with remainders, padding with asymmetric and negative
// bottom/right, dilation 0-2, 1-D problems, 1x1 inputs, channel counts that
// are not multiples of 8 or 16. Built as descriptors and parsed, so the parser
// is exercised too; a failure prints the descriptor that reproduces it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include <fmt/format.h>

#include "algorithms/problem.hpp"

namespace convlab::testing {

// The seed of a randomized test: CONVLAB_SEED from the environment, else `fallback`.
inline uint64_t test_seed(uint64_t fallback) {
    const char* text = std::getenv("CONVLAB_SEED");
    return text ? std::strtoull(text, nullptr, 10) : fallback;
}

class RandomProblems {
public:
    explicit RandomProblems(uint64_t seed) : rng_(seed) {}

    Problem next() {
        int64_t groups_kind = pick(0, 5);  // 0-3 plain, 4 two-four groups, 5 depthwise
        int64_t g = groups_kind == 4 ? pick(2, 4) : 1;
        int64_t icg = pick(1, 5), ocg = pick(1, 5);
        if (groups_kind == 5) g = pick(2, 9), icg = 1, ocg = pick(1, 2);
        std::string desc = fmt::format("g{}mb{}ic{}oc{}", g, pick(1, 3), g * icg, g * ocg);
        bool winograd_shaped = pick(0, 3) == 0;  // 3x3, stride 1, no dilation
        bool one_d = !winograd_shaped && pick(0, 6) == 0;
        bool tiny_input = pick(0, 12) == 0;      // a 1x1 input with padding
        if (!one_d) desc += axis('h', winograd_shaped, tiny_input);
        desc += axis('w', winograd_shaped, tiny_input);
        return Problem::parse(desc);
    }

private:
    int64_t pick(int64_t lo, int64_t hi) { return lo + int64_t(rng_() % uint64_t(hi - lo + 1)); }

    std::string axis(char a, bool winograd_shaped, bool tiny_input) {
        int64_t k = winograd_shaped ? 3 : pick(1, 4);
        int64_t s = winograd_shaped ? 1 : pick(1, 4);
        int64_t d = winograd_shaped || pick(0, 2) ? 0 : pick(1, 2);
        int64_t extent = (k - 1) * (d + 1) + 1;
        int64_t p = pick(0, 3);
        if (tiny_input) k = 1, d = 0, extent = 1, p = pick(1, 2);
        int64_t min_i = std::max<int64_t>(1, extent - 2 * p);
        int64_t i = tiny_input ? 1 : pick(min_i, min_i + 11);
        int64_t o = (i + 2 * p - extent) / s + 1;
        // Bottom padding: as deduced, one window fewer (negative: trailing input
        // rows no window covers), or one window more (more padding below).
        int64_t change = pick(0, 4);
        if (change == 0 && o > 1) o -= 1;
        if (change == 1) o += 1;
        return fmt::format("i{}{}o{}{}k{}{}s{}{}p{}{}d{}{}", a, i, a, o, a, k, a, s, a, p, a, d);
    }

    std::mt19937_64 rng_;
};

}  // namespace convlab::testing
