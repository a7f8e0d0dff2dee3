// im2col and its adjoint on NHWC activations. A column row belongs to one
// output pixel and holds, group by group, the group's kernel taps (ky, kx),
// each tap a contiguous run of the group's input channels:
//
//   col[q][gi][ky][kx][ci]     q = (n * oh + oy) * ow + ox
//
// so a row of OHWI (or a column of HWIO) weights multiplies it directly, and
// each tap is one copy of icg contiguous floats.
#pragma once

#include <cstdint>

#include "algorithms/problem.hpp"

namespace convlab {

// Floats in one column row: g * kh * kw * icg = kh * kw * ic.
inline int64_t nhwc_column_row(const Problem& p) { return p.kh * p.kw * p.ic; }

// Whether the input rows are the column rows themselves (1x1 kernel, stride
// 1, no padding on any side): no copy needed.
bool nhwc_input_is_columns(const Problem& p);

// The rows of output pixels [first, first + count) from NHWC x; zeros for
// taps in the padding. OpenMP over the rows.
void im2col_nhwc(const Problem& p, const float* x, int64_t first, int64_t count, float* col);

// The adjoint, gathered: every dx element of images [n0, n0 + images) gets the
// sum of the column entries that im2col_nhwc would copy from it, taken from
// `col`, the rows of those images' output pixels (row 0 = pixel n0 * oh * ow).
// Writes every element of those images (zero where no tap reaches).
void col2im_nhwc(const Problem& p, const float* col, int64_t n0, int64_t images, float* dx);

}  // namespace convlab
