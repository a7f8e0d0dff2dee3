// Named preset problems shared by every test: the golden cases' descriptors,
// two worked problems, and one problem per feature an algorithm
// can get wrong (stride remainders, asymmetric and negative bottom/right
// padding, dilation, groups, depthwise, 1-D, 1x1 kernels and inputs, the
// Winograd shape, odd channel counts). Each is a benchdnn descriptor whose
// name entry is the preset's name, so a failure prints something pasteable.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/problem.hpp"

namespace convlab::testing {

inline constexpr std::array<std::string_view, 22> preset_descriptors = {
    // The four golden cases (tests/golden/*/descriptor).
    R"(mb1ic3ih4iw4oc2kh2kw2ph0pw0n"worked_example")",
    R"(mb2ic3ih11iw10oc4oh5ow4kh3kw2sh2sw3ph1pw2dh1dw0n"strided_padded_dilated")",
    R"(g2mb2ic4ih7oc6kh3ph1n"grouped")",
    R"(mb1ic2ih8oc3kh3sh3ph0n"stride_remainder")",
    // Two worked problems: a hand-sized one and the training layer.
    R"(mb1ic3ih4oc2kh2n"mb1ic3ih4oc2kh2")",
    R"(mb3ic3ih28oc4kh3n"mb3ic3ih28oc4kh3")",
    // Strides that leave a remainder: the last input row(s) feed no window.
    R"(mb2ic3ih10oc4kh3sh2n"stride2_remainder")",                 // oh 4 covers rows 0-8 of 10
    R"(mb2ic4ih14iw11oc5kh3kw3sh3sw3ph1pw1n"stride3_remainder")",  // bottom padding 0, right 0
    // Bottom/right padding different from top/left: 1 top, 2 bottom; 0 left, 3 right.
    R"(mb2ic3ih8iw7oc4oh9ow8kh3kw3ph1pw0n"asymmetric_padding")",
    // Bottom padding -1: the last input row is covered by no window (3x3 stride 1).
    R"(mb2ic3ih8iw8oc4oh5ow6kh3kw3ph0pw0n"negative_bottom_padding")",
    // Dilation in benchdnn's convention: dh zeros between taps.
    R"(mb2ic3ih10oc4kh3ph2dh1n"dilation1")",
    R"(mb2ic3ih12iw11oc4kh3kw2sh2sw1ph1pw0dh2dw2n"dilation2")",
    R"(g2mb2ic6ih9oc4kh3sh2ph1n"groups2")",
    R"(g8mb2ic8ih9oc8kh3ph1n"depthwise")",
    // 1-D: no height entries at all, so ih = kh = oh = 1.
    R"(mb2ic4iw20oc6kw5sw2pw2n"one_d")",
    R"(mb2ic8ih7oc5kh1n"kernel_1x1")",
    R"(mb2ic3ih1oc4kh3ph1n"input_1x1_padded")",
    // 3x3, stride 1, padding 1: the Winograd shape, with whole and partial tiles.
    R"(mb2ic5ih10oc6kh3ph1n"winograd_3x3")",
    R"(mb1ic3ih7iw9oc5kh3kw3ph1pw1n"winograd_3x3_odd")",
    // Channel counts that are no multiple of a vector width.
    R"(mb2ic7ih6oc13kh3ph1n"odd_channels")",
    R"(mb3ic19ih5iw6oc23kh2kw3n"odd_channels_wide")",
    R"(g3mb1ic9ih6oc15kh3ph1n"odd_channels_grouped")",
};

inline const std::vector<Problem>& presets() {
    static const std::vector<Problem> problems = [] {
        std::vector<Problem> list;
        for (std::string_view d : preset_descriptors) list.push_back(Problem::parse(d));
        return list;
    }();
    return problems;
}

// The preset with that name; throws std::out_of_range when there is none.
inline const Problem& preset(std::string_view name) {
    for (const Problem& p : presets())
        if (p.name == name) return p;
    throw std::out_of_range("no preset named '" + std::string(name) + "'");
}

}  // namespace convlab::testing
