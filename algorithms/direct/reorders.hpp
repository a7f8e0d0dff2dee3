// Conversions between convlab's tensors (activations and weights in the
// case's layout, layout.hpp) and the direct algorithm's blocked layouts
// (plan.hpp), done inside the call. Each runs on `threads` OpenMP threads and
// writes every element of its destination (padding as zeros). A tensor is
// read through its strides, so NCHW and NHWC (and every weight order) are the
// same code; each loop runs over the axis that is contiguous in memory.
#pragma once

#include <array>
#include <cstdint>

#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

// Element strides of a canonical tensor's axes in its layout: (n, c, h, w)
// for activations, (oc, ic/g, kh, kw) for weights (layout.hpp's strides_in).
using Strides = std::array<int64_t, 4>;

// The strides of `plan`'s activations of `channels` channels (all groups) on
// h x w planes in the plan's layout; a flat plane of oh*ow pixels is h = 1.
Strides activation_strides(const Plan& plan, int64_t channels, int64_t h, int64_t w);
// The strides of plan's weights (w, dw) in the plan's weight layout.
Strides weight_strides(const Plan& plan);

// Activations with strides s, `groups` groups of b.channels channels, planes
// src_h x src_w -> [batch][groups][b.blocks][b.h][b.w][b.blk], source pixel
// (0,0) at (b.top, b.left). From NHWC a lane block is a run of contiguous
// channels per pixel.
void to_blocked(const float* src, const Strides& s, int64_t batch, int64_t groups, int64_t src_h, int64_t src_w,
                const Blocked& b, float* dst, int threads);

// The inverse of to_blocked for an output plane set whose source pixel (0,0)
// is at (0,0): the dst_h x dst_w pixels of each real channel, into dst's
// layout (strides s, as to_blocked's).
void from_blocked(const float* src, int64_t batch, int64_t groups, int64_t dst_h, int64_t dst_w, const Blocked& b,
                  float* dst, const Strides& s, int threads);

// Weights to [g][lane blocks][reduction blocks][kh*kw][red.blk][lanes]; the lanes
// run over output channels (forward) or over input channels (backward data).
void weights_to_blocked(const float* w, const Strides& ws, const Problem& p, const Blocked& red, const Blocked& lane,
                        bool lanes_over_ic, float* dst, int threads);
// Backward weights' result, [g][oc blocks][ic blocks][kh*kw][ic blk][lanes], to dw.
void weights_from_blocked(const float* src, const Problem& p, const Blocked& ic_side, const Blocked& oc_side, float* dw,
                          const Strides& ws, int threads);

// Pointwise weights (oihw: the pointwise path runs in nchw:oihw only), per group [rows / mr full tiles][k][mr] then the
// remaining rows [k] each; rows over oc (forward) or over ic (backward data).
void pack_pointwise_weights(const float* w, const Problem& p, const Pointwise& pw, bool rows_over_ic, float* dst);
// x (strides xs) at pixels (oh*sh, ow*sw) -> the dense oh*ow pixels (strides ds, a
// flat plane) for the strided or cropped 1x1 forward.
void gather_pixels(const float* x, const Strides& xs, const Problem& p, const Strides& ds, float* dst, int threads);
// The inverse for backward data: the dense pixels -> dx, zeros where no output reads.
void scatter_pixels(const float* src, const Strides& ds, const Problem& p, const Strides& xs, float* dx, int threads);

// Depthwise weights [c][1][kh][kw] to [c blocks][kh*kw][lanes], and the
// blocked dw back.
void depthwise_weights_to_blocked(const float* w, const Strides& ws, const Problem& p, const Blocked& lane, float* dst);
void depthwise_weights_from_blocked(const float* src, const Problem& p, const Blocked& lane, float* dw,
                                    const Strides& ws);

// Bias (or zeros when b is null) to [groups][lane blocks][lanes].
void bias_to_blocked(const float* b, int64_t groups, const Blocked& lane, float* dst);

}  // namespace convlab::direct
