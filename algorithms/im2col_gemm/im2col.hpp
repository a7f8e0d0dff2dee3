// im2col and its adjoint col2im (scatter-add), for one image and one group and
// a block of output rows, so a caller can work in blocks small enough for the
// cache and a bounded workspace.
//
// The column matrix of output rows [oh_begin, oh_end) has K = icg * kh * kw
// rows, one per (input channel c, kernel tap i, j), and N = (oh_end - oh_begin)
// * ow columns, one per output position:
//   col[(c * kh + i) * kw + j][(oh - oh_begin) * ow + ow] =
//       x[c][oh * sh - ph + i * (dh + 1)][ow * sw - pw + j * (dw + 1)],
// or 0 where that lies in the padding. Every stride, padding (asymmetric and
// negative bottom/right included: only the rows and columns in range are
// read) and dilation.
#pragma once

#include <cstdint>

#include "algorithms/problem.hpp"

namespace convlab {

// K and N of the column matrix of `rows` output rows.
inline int64_t im2col_rows(const Problem& p) { return p.icg() * p.kh * p.kw; }
inline int64_t im2col_cols(const Problem& p, int64_t rows) { return rows * p.ow; }

// Writes every element of col (zeros for padding; no pre-filling needed).
// `x` points at the group's first input channel of one image (icg planes).
// `ld` is the distance between col rows, N when 0; a larger one lets several
// images' columns sit side by side in one matrix.
void im2col(const Problem& p, const float* x, int64_t oh_begin, int64_t oh_end, float* col, int64_t ld = 0);

// The adjoint: dx[c][h][w] += every col element im2col would have copied from
// there. `dx` points at the group's first channel of one image; it is added
// to, never overwritten, so the blocks of one image can be scattered in turn.
// `ld` is the distance between col rows as in im2col.
void col2im_add(const Problem& p, const float* col, int64_t oh_begin, int64_t oh_end, float* dx, int64_t ld = 0);

// A 1x1 kernel without top or left padding (any stride, any bottom/right
// padding): every dx element takes at most one col element, so col2im_set
// writes dx (those elements, zeros between) instead of adding to a zeroed dx,
// one pass where memset + col2im_add take two. Block [oh_begin, oh_end) owns
// dx rows [oh_begin * sh, oh_end * sh), the last block the rows to ih too, so
// blocks covering 0 .. oh write every element of dx exactly once.
bool col2im_is_a_copy(const Problem& p);
void col2im_set(const Problem& p, const float* col, int64_t oh_begin, int64_t oh_end, float* dx, int64_t ld = 0);

// What backward data calls: col2im_set where that is a copy, else
// col2im_add, which needs dx zeroed first (col2im_needs_zeroed_dx).
bool col2im_needs_zeroed_dx(const Problem& p);
void col2im(const Problem& p, const float* col, int64_t oh_begin, int64_t oh_end, float* dx, int64_t ld = 0);

}  // namespace convlab
