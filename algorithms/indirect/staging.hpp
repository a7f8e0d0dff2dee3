// The copies around the timed call: NCHW activations to and from NHWC, the
// weights packed into the micro-kernels' panels, the weight gradient back to
// [oc][ic/g][kh][kw]. All of it runs in stage_in / stage_out.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/problem.hpp"

namespace convlab::indirect {

// [mb][c][h][w] -> [mb][h][w][c] and back, OpenMP over images and rows.
void nchw_to_nhwc(const float* src, int64_t mb, int64_t c, int64_t h, int64_t w, float* dst, int threads);
void nhwc_to_nchw(const float* src, int64_t mb, int64_t c, int64_t h, int64_t w, float* dst, int threads);

// Floats of one panel: nr bias lanes, then taps x reduction channels x nr.
inline int64_t panel_floats(int64_t nr, int64_t taps, int64_t reduction) { return nr * (1 + taps * reduction); }

// Forward panels, [g][ceil(ocg / nr)] of them: panel (grp, j) holds output
// channels grp * ocg + j * nr + l, l < nr: bias b (zeros when b is null), then
// w[o][i][tap] at [tap][i][l]; zeros for l past ocg.
void pack_forward_weights(const Problem& p, const float* w, const float* b, int64_t nr, float* out);

// Backward-data panels of one stride phase, [g][ceil(icg / nr)] of them:
// panel (grp, j) holds dx channels i = j * nr + l of group grp: a zero bias,
// then w[grp * ocg + o][i][taps[t]] at [t][o][l] (the transposed weights,
// taps in the phase's order); zeros for l past icg.
void pack_backward_data_weights(const Problem& p, const float* w, const std::vector<int64_t>& taps, int64_t nr,
                                float* out);

// The weight gradient from the kernels' [g][tap][icg_rows][ocg_cols] (whole
// tiles, rows and columns past icg / ocg unused) into [oc][icg][kh][kw].
void weights_grad_to_oihw(const float* staged, const Problem& p, int64_t icg_rows, int64_t ocg_cols, float* dw,
                          int threads);

}  // namespace convlab::indirect
