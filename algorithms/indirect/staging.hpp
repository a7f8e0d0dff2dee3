// The copies around the timed call: NCHW activations to and from NHWC, the
// weights packed into the micro-kernels' panels, the weight gradient back to
// the case's weight layout. All of it runs in stage_in / stage_out.
//
// Weights are read and written through `WeightStrides`, the element stride of
// each of (oc, ic/g, kh, kw) in the case's weight layout (strides_in in
// algorithms/layout.hpp), so every weight layout packs the same panels.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/layout.hpp"
#include "algorithms/problem.hpp"

namespace convlab::indirect {

using WeightStrides = std::array<int64_t, 4>;

// [mb][c][h][w] -> [mb][h][w][c] and back, OpenMP over images and rows.
void nchw_to_nhwc(const float* src, int64_t mb, int64_t c, int64_t h, int64_t w, float* dst, int threads);
void nhwc_to_nchw(const float* src, int64_t mb, int64_t c, int64_t h, int64_t w, float* dst, int threads);

// Floats of one panel: nr bias lanes, then taps x reduction channels x nr.
inline int64_t panel_floats(int64_t nr, int64_t taps, int64_t reduction) { return nr * (1 + taps * reduction); }

// Forward panels, [g][ceil(ocg / nr)] of them: panel (grp, j) holds output
// channels grp * ocg + j * nr + l, l < nr: bias b (zeros when b is null), then
// w[o][i][tap] at [tap][i][l]; zeros for l past ocg.
void pack_forward_weights(const Problem& p, const float* w, const WeightStrides& ws, const float* b, int64_t nr,
                          float* out);

// Backward-data panels of one stride phase, [g][ceil(icg / nr)] of them:
// panel (grp, j) holds dx channels i = j * nr + l of group grp: a zero bias,
// then w[grp * ocg + o][i][taps[t]] at [t][o][l] (the transposed weights,
// taps in the phase's order); zeros for l past icg.
void pack_backward_data_weights(const Problem& p, const float* w, const WeightStrides& ws,
                                const std::vector<int64_t>& taps, int64_t nr, float* out);

// The weight gradient from the kernels' [g][tap][icg_rows][ocg_cols] (whole
// tiles, rows and columns past icg / ocg unused) into dw, laid out by `ws`.
void unstage_weights_grad(const float* staged, const Problem& p, int64_t icg_rows, int64_t ocg_cols, float* dw,
                          const WeightStrides& ws, int threads);

}  // namespace convlab::indirect
