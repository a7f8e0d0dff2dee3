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
#include <functional>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

struct FullConv {
    Problem forward;     // the forward problem that computes dx
    int64_t crop_h = 0;  // leading output rows / columns to drop
    int64_t crop_w = 0;
};

FullConv full_conv(const Problem& p);

// Runs a forward convolution of `forward` with args.x, args.w, args.y and
// args.workspace set (bias null), using the workspace of its own forward pass.
using ForwardFn = std::function<void(const Problem& forward, const ConvArgs& args)>;

// Workspace of backward_data_by_full_conv: dilated dy (when a stride > 1),
// rotated weights, a cropping buffer (when crop_h or crop_w > 0), 64-byte
// aligned pieces, plus forward_workspace_bytes for the forward pass.
int64_t full_conv_workspace_bytes(const Problem& p, int64_t forward_workspace_bytes);

// dx of `p` from args.dy and args.w, through `forward`.
void backward_data_by_full_conv(const Problem& p, const ConvArgs& args, const ForwardFn& forward);

}  // namespace convlab
