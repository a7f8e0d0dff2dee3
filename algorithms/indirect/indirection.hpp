// The indirection buffers (Dukhan, "The Indirect Convolution Algorithm",
// 2019): for every output pixel and kernel tap, a pointer to the NHWC row
// (channels contiguous) that the tap multiplies, or to a zero row when the
// tap falls in the padding. Pixels are taken in tiles of `mr`:
//
//   buffer[(tile * taps + tap) * mr + m]   pixel tile * mr + m, that tap
//
// and the last tile is filled up with the last pixel's pointers, so a kernel
// reads valid rows for all mr of them and only stores the real ones.
//
// Rows are `row_stride` floats apart in the NHWC tensor (its channel count);
// a kernel adds a channel offset (a group's first channel) to every pointer,
// so the zero row must be at least as long as a row.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/problem.hpp"

namespace convlab::indirect {

inline int64_t tiles_of(int64_t pixels, int64_t mr) { return (pixels + mr - 1) / mr; }

// Forward and backward weights: output pixels (n, oy, ox) in that order, taps
// (ky, kx) in that order; the tap reads input row iy = oy * sh - ph + ky * (dh + 1),
// column ix likewise, of image n of `x` (mb x ih x iw rows).
std::vector<const float*> forward_indirection(const Problem& p, const float* x, int64_t row_stride,
                                              const float* zero, int64_t mr);

// Backward data, one stride phase at a time: the dx pixels (iy, ix) with
// iy = row0 + r * sh, ix = col0 + c * sw have the same taps reaching them,
// those ky with (iy + ph - ky * (dh + 1)) divisible by sh (and kx likewise);
// each such tap reads dy row oy = (iy + ph - ky * (dh + 1)) / sh, column ox
// likewise, or the zero row when that lies outside dy. So each phase is a
// stride-1 gather over dy with a subset of the taps, and every dx pixel
// belongs to exactly one phase.
struct StridePhase {
    int64_t row0 = 0, col0 = 0;  // its first dx row and column
    int64_t rows = 0, cols = 0;  // its dx rows and columns
    std::vector<int64_t> taps;   // ky * kw + kx of the taps that reach it, ky then kx ascending
    int64_t pixels(const Problem& p) const { return p.mb * rows * cols; }
};

// One phase per (row0 < min(sh, ih), col0 < min(sw, iw)); a phase no tap
// reaches has no taps (its dx is zero).
std::vector<StridePhase> stride_phases(const Problem& p);

// The phase's dx pixels (n, r, c) in that order, its taps in `StridePhase::taps`
// order, pointing into `dy` (mb x oh x ow rows).
std::vector<const float*> backward_data_indirection(const Problem& p, const StridePhase& phase, const float* dy,
                                                    int64_t row_stride, const float* zero, int64_t mr);

}  // namespace convlab::indirect
