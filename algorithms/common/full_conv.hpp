// Backward data by rot180 full convolution: dx is the forward convolution of
// dy dilated by the stride (zeros between rows and columns), padded by the
// dilated kernel extent - 1 - padding, with the kernel rotated by 180 degrees
// and its input and output channels swapped, then cropped to the input.
//
// The equivalent forward problem (stride 1, the same dilation and groups):
//   ic' = oc, oc' = ic, ih' = (oh - 1) * sh + 1, ph' = max(P, 0) with
//   P = extent_h - 1 - ph, oh' = ih + crop_h where crop_h = max(-P, 0) rows
//   computed above the input are dropped; its bottom padding follows (and may
//   be negative). Likewise for width.
#pragma once

#include <cstdint>
#include <memory>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

struct FullConv {
    Problem forward;     // the forward problem that computes dx
    int64_t crop_h = 0;  // leading output rows / columns to drop
    int64_t crop_w = 0;
};

FullConv full_conv(const Problem& p);

// Backward data of `p` as a primitive: dy dilated, weights rotated (in its
// workspace), then `forward`, a primitive prepared for full_conv(p).forward,
// run on them, and its output cropped into dx. Its workspace is those pieces,
// 64-byte aligned, followed by forward's own; implementation() is forward's.
std::unique_ptr<Primitive> full_conv_backward_data(const Problem& p, std::unique_ptr<Primitive> forward);

}  // namespace convlab
