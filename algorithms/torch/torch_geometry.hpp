// How a convlab problem is posed to PyTorch, whose convolution takes one
// padding per spatial axis, applied on both sides (top = bottom, left = right).
// Kept apart from torch.cpp (no libtorch headers here) so it can be tested on
// its own.
//
// The top/left padding p (never negative in a Problem) is passed as torch's
// symmetric padding: output row r then starts at input row r*s - p, as in the
// problem, and since both see the same data padded with zeros every output row
// the problem has is computed from the same values. What differs is the bottom:
//   * rows past the last one any window of the problem reads are left out of
//     the input view (a narrow(), no copy): torch never computes from them;
//   * when the problem pads below with more zero rows than p (bottom padding >
//     top padding), torch's p zeros are not enough and the input is copied with
//     the missing zero rows appended (`extra`);
//   * torch may still produce more output rows than the problem (its p bottom
//     zeros reach further than a smaller or negative bottom padding): forward
//     keeps only the first o rows; backward pads dy with zero rows up to torch's
//     output size (a copy), and zero dy rows add nothing to dx, dw or db.
#pragma once

#include <algorithm>
#include <cstdint>

#include "algorithms/problem.hpp"

namespace convlab {

struct TorchAxis {
    int64_t padding = 0;  // torch's symmetric padding: the problem's top/left padding
    int64_t dilation = 1; // torch's convention: the tap distance (benchdnn's d + 1)
    int64_t rows = 0;     // input rows (columns) in the view handed to torch, from the top
    int64_t extra = 0;    // zero rows appended to that view by a copy
    int64_t out = 0;      // torch's output size on that input, >= the problem's
};

// i, o: input and output size; k kernel; s stride; p top padding; d benchdnn dilation.
inline TorchAxis torch_axis(int64_t i, int64_t o, int64_t k, int64_t s, int64_t p, int64_t d) {
    TorchAxis a;
    a.padding = p;
    a.dilation = d + 1;
    const int64_t extent = (k - 1) * (d + 1) + 1;
    const int64_t last = (o - 1) * s - p + extent - 1;  // the last input row a window of the problem reads
    // At least one row: when every window lies in the padding, the row is read by none of them.
    a.rows = std::max<int64_t>(1, std::min(i, last + 1));
    const int64_t bottom_zeros = std::max<int64_t>(0, last + 1 - i);
    a.extra = std::max<int64_t>(0, bottom_zeros - p);
    a.out = (a.rows + a.extra + 2 * p - extent) / s + 1;
    return a;
}

struct TorchGeometry {
    TorchAxis h, w;
    bool input_copied() const { return h.extra > 0 || w.extra > 0; }
    bool output_larger(const Problem& p) const { return h.out > p.oh || w.out > p.ow; }
    bool input_narrowed(const Problem& p) const { return h.rows < p.ih || w.rows < p.iw; }
};

inline TorchGeometry torch_geometry(const Problem& p) {
    return {torch_axis(p.ih, p.oh, p.kh, p.sh, p.ph, p.dh), torch_axis(p.iw, p.ow, p.kw, p.sw, p.pw, p.dw)};
}

}  // namespace convlab
