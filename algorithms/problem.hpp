// One type for a 2-D convolution problem, everywhere: tests, benchmark names,
// CSV rows, the command line. It parses and prints oneDNN benchdnn's descriptor
// syntax (docs/descriptors.md), so shape files
// from the oneDNN ecosystem work unchanged and every row can be reproduced by
// pasting its descriptor.
#pragma once

#include <cstdint>
#include "algorithms/errors.hpp"
#include <string>
#include <string_view>
#include <vector>

namespace convlab {

// A descriptor that cannot describe a valid problem. The message names the
// entry at fault and quotes the descriptor.
struct ProblemError : InputError {
    using InputError::InputError;
};

// A well-formed descriptor of something convlab does not do (3-D problems).
struct UnsupportedProblem : InputError {
    using InputError::InputError;
};

struct Problem {
    int64_t g = 1, mb = 2;
    int64_t ic = 0, ih = 1, iw = 1;
    int64_t oc = 0, oh = 1, ow = 1;
    int64_t kh = 1, kw = 1;
    int64_t sh = 1, sw = 1;
    int64_t ph = 0, pw = 0;  // top and left padding
    int64_t dh = 0, dw = 0;  // zeros between kernel taps (benchdnn convention)
    std::string name;        // without the "*N" suffix
    int64_t weight = 1;      // N of a name ending in "*N": occurrences in the network

    // Parses a benchdnn descriptor; throws ProblemError or UnsupportedProblem.
    static Problem parse(std::string_view descriptor);
    // The canonical descriptor; parse(str()) == *this.
    std::string str() const;

    int64_t extent_h() const { return (kh - 1) * (dh + 1) + 1; }
    int64_t extent_w() const { return (kw - 1) * (dw + 1) + 1; }
    // Bottom and right padding; may differ from ph/pw and may be negative.
    int64_t ph_bottom() const { return (oh - 1) * sh - ih + extent_h() - ph; }
    int64_t pw_right() const { return (ow - 1) * sw - iw + extent_w() - pw; }

    int64_t icg() const { return ic / g; }  // input channels per group
    int64_t ocg() const { return oc / g; }  // output channels per group

    // Element counts and dims (NCHW activations, [oc][ic/g][kh][kw] weights).
    int64_t x_elems() const { return mb * ic * ih * iw; }
    int64_t w_elems() const { return oc * icg() * kh * kw; }
    int64_t b_elems() const { return oc; }
    int64_t y_elems() const { return mb * oc * oh * ow; }
    std::vector<int64_t> x_dims() const { return {mb, ic, ih, iw}; }
    std::vector<int64_t> w_dims() const { return {oc, icg(), kh, kw}; }
    std::vector<int64_t> b_dims() const { return {oc}; }
    std::vector<int64_t> y_dims() const { return {mb, oc, oh, ow}; }

    // Two FLOP counts, the same for every direction. flops() answers "how much
    // work is this convolution?": 2 * mb * oc * oh * ow * (ic/g) * kh * kw,
    // padding taps included, so every algorithm is credited with equal work
    // and a fast algorithm's GFLOP/s is an effective rate. useful_flops()
    // answers "how much arithmetic must any method do?": only the
    // multiply-adds whose input tap lies inside the input (benchdnn's count),
    // so a direct kernel that skips padding taps cannot pass the machine's peak.
    double flops() const;
    double useful_flops() const;

    bool operator==(const Problem&) const = default;
};

}  // namespace convlab
