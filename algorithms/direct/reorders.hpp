// Conversions between convlab's tensors (NCHW activations, [oc][ic/g][kh][kw]
// weights) and the direct algorithm's blocked layouts (plan.hpp), done inside
// the call. Each runs on `threads` OpenMP threads and writes every element of
// its destination (padding as zeros).
#pragma once

#include <cstdint>

#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

// NCHW with `groups` groups of b.channels channels, planes src_h x src_w ->
// [batch][groups][b.blocks][b.h][b.w][b.blk], source pixel (0,0) at (b.top, b.left).
void to_blocked(const float* src, int64_t batch, int64_t groups, int64_t src_h, int64_t src_w, const Blocked& b,
                float* dst, int threads);

// The inverse of to_blocked for an output plane set whose source pixel (0,0)
// is at (0,0): the dst_h x dst_w pixels of each real channel, as NCHW.
void from_blocked(const float* src, int64_t batch, int64_t groups, int64_t dst_h, int64_t dst_w, const Blocked& b,
                  float* dst, int threads);

// Weights to [g][lane blocks][reduction blocks][kh*kw][red.blk][lanes]; the lanes
// run over output channels (forward) or over input channels (backward data).
void weights_to_blocked(const float* w, const Problem& p, const Blocked& red, const Blocked& lane,
                        bool lanes_over_ic, float* dst, int threads);
// Backward weights' result, [g][oc blocks][ic blocks][kh*kw][ic blk][lanes], to dw.
void weights_from_blocked(const float* src, const Problem& p, const Blocked& ic_side, const Blocked& oc_side, float* dw,
                          int threads);

// Pointwise weights, per group [rows / mr full tiles][k][mr] then the
// remaining rows [k] each; rows over oc (forward) or over ic (backward data).
void pack_pointwise_weights(const float* w, const Problem& p, const Pointwise& pw, bool rows_over_ic, float* dst);
// x[n][c][oh*sh][ow*sw] -> [n][c][oh*ow] for the strided or cropped 1x1 forward.
void gather_pixels(const float* x, const Problem& p, float* dst, int threads);
// The inverse for backward data: dense [n][c][oh*ow] -> dx, zeros where no output reads.
void scatter_pixels(const float* src, const Problem& p, float* dx, int threads);

// Depthwise weights [c][1][kh][kw] to [c blocks][kh*kw][lanes], and the
// blocked dw back.
void depthwise_weights_to_blocked(const float* w, const Problem& p, const Blocked& lane, float* dst);
void depthwise_weights_from_blocked(const float* src, const Problem& p, const Blocked& lane, float* dw);

// Bias (or zeros when b is null) to [groups][lane blocks][lanes].
void bias_to_blocked(const float* b, int64_t groups, const Blocked& lane, float* dst);

}  // namespace convlab::direct
