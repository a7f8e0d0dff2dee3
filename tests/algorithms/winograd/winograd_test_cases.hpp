// Problems and checks shared by test_winograd_f2x3.cpp, _f4x3.cpp and _f6x3.cpp:
// every direction against the double reference through check() at 1 and 2
// threads (integer pass exact or within tolerance, real pass within
// tolerance), declines with their reasons, and bit-identical repeats.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"

namespace convlab::testing {

// 3x3 stride-1 problems the Winograd algorithms must run. Sizes are chosen so
// tiles of 2, of 4 and of 6 hang over the bottom/right edge.
inline const std::vector<std::string> winograd_problems = {
    "mb2ic3ih8oc4kh3ph1",                     // padding 1, a whole number of 2-tiles
    "mb2ic5ih9oc3kh3ph0",                     // padding 0, odd output (7): tiles hang over
    "mb1ic4ih7iw6oc5kh3kw3ph2pw2",            // padding 2, non-square
    "mb2ic3ih10oc4oh11kh3ph1",                // bottom padding 2, top 1
    "mb2ic3ih10iw11oc4oh6ow7kh3kw3ph0pw1",    // negative bottom/right padding
    "mb1ic2ih13iw5oc3oh12ow5kh3kw3ph1pw1",    // bottom padding 0, right 1
    "g2mb2ic6ih9oc4kh3ph1",                   // groups
    "g4mb1ic4ih7oc8kh3ph1",                   // depthwise (one input channel per group)
    "mb1ic2ih3oc3kh3ph0",                     // a 3x3 input: one output
    "mb1ic2ih1oc3kh3ph1",                     // a 1x1 input with padding 1
    "mb2ic1ih2iw5oc1kh3kw3ph1pw1",            // one channel, two rows
    "mb3ic8ih37oc8kh3ph1",                    // several tile blocks per thread
    "g2mb2ic34ih15oc18kh3ph1",                // channel counts not multiples of 16 per group
    "mb2ic37ih5oc200kh3ph1",                  // fewer tiles than output channels: filters streamed in 2 oc blocks
    "mb1ic3ih9iw61oc4kh3kw3ph1pw1",           // 11 tiles of 6 in a row: two lane groups, the last hanging over
    "mb2ic4ih17iw50oc3kh3kw3ph0pw0",          // 15 x 48 outputs: 6-tiles exactly fill 8 lanes; rows hang over
};

inline const std::vector<std::string> non_winograd_problems = {
    "mb2ic3ih8oc4kh5ph2",                 // 5x5 kernel
    "mb2ic3ih8oc4kh3sh2ph1",              // stride 2
    "mb2ic3ih8oc4kh3dh1ph2",              // dilation
    "mb2ic3ih8iw8oc4kh1kw3ph0pw1",        // 1x3 kernel
    "mb2ic3ih8iw8oc4kh3kw3sh1sw2ph1pw1",  // stride 2 along the width only
};

inline void check_all_directions(const Algorithm& algorithm) {
    const std::string descriptor = GENERATE(from_range(winograd_problems));
    const Problem p = Problem::parse(descriptor);
    for (Direction d : all_directions) {
        INFO(algorithm.name() << " " << to_string(d) << " " << descriptor);
        REQUIRE(testing::decline_reason(algorithm, p, d) == "");
        for (int threads : {1, 2}) {
            const Verdict v = check(algorithm, p, d, 7, threads);
            INFO(threads << " threads: " << v.reason << " worst: " << v.worst << " max rel " << v.max_rel_err);
            CHECK(v.status == Status::passed);
        }
    }
}

inline void check_declines(const Algorithm& algorithm) {
    const std::string expected = std::string(algorithm.name()) + ": needs 3x3 kernel, stride 1, no dilation";
    for (const std::string& descriptor : non_winograd_problems)
        for (Direction d : all_directions) {
            INFO(descriptor << " " << to_string(d));
            CHECK(testing::decline_reason(algorithm, Problem::parse(descriptor), d) == expected);
        }
}

// A tighter line than tolerance() on a layer-like problem (padding 1, 32
// channels): tolerance() must cover edge elements whose own terms are tiny
// (see the algorithms' comments), but here every element has many terms, so
// a dropped or doubled term would show far above `bound`.
inline void check_accuracy_on_a_layer(const Algorithm& algorithm, double bound) {
    const Problem p = Problem::parse("mb1ic32ih16oc32kh3ph1");
    for (Direction d : all_directions) {
        INFO(to_string(d));
        const Verdict v = check(algorithm, p, d, 11);
        CHECK(v.status == Status::passed);
        CHECK(v.max_rel_err < bound);
    }
}

// Two runs on the same data give the same bits, in every direction.
inline void check_repeatable(const Algorithm& algorithm, const std::string& descriptor) {
    const Problem p = Problem::parse(descriptor);
    for (Direction d : all_directions) {
        INFO(to_string(d));
        ConvTensors first = make_tensors(p, d, Fill::reals, 3), second = make_tensors(p, d, Fill::reals, 3);
        testing::run_algorithm(algorithm, p, d, first);
        testing::run_algorithm(algorithm, p, d, second);
        const Tensor& a = *outputs_of(d, first).front().tensor;
        const Tensor& b = *outputs_of(d, second).front().tensor;
        REQUIRE(a.size() == b.size());
        CHECK(std::memcmp(a.data(), b.data(), size_t(a.size()) * sizeof(float)) == 0);
    }
}

}  // namespace convlab::testing
