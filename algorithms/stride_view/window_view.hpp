// The strided window view of a convolution's input: numpy's as_strided idea.
//
// Over an input laid out [n][c][H][W] (the padded copy, or x itself when the
// problem has no positive padding) the windows of the convolution are a 6-D
// array with logical shape (mb, ic, oh, ow, kh, kw) and element strides
//   (c·H·W, H·W, sh·W, sw, (dh+1)·W, dw+1)
// so view(n, c, oh, ow, kh, kw) = padded[n][c][oh·sh + kh·(dh+1)][ow·sw + kw·(dw+1)].
// Nothing is copied: the view is a base pointer and six strides. A contraction
// of it with the weights over (c, kh, kw) is the forward convolution; over
// (n, oh, ow) with dy it is the weight gradient.
//
// Padding is materialised once: a zero-bordered copy of the input (in the
// caller's workspace) whose height is ph + ih + ph_bottom, so a negative bottom
// padding simply leaves out the trailing rows that no window reads. A problem
// with no positive padding needs no copy and the view lies over x directly.
#pragma once

#include <cstdint>

#include "algorithms/problem.hpp"

namespace convlab {

// Geometry of the buffer the view lies over.
struct PaddedInput {
    int64_t height = 0;       // ph + ih + ph_bottom: exactly the rows the windows span
    int64_t width = 0;        // pw + iw + pw_right
    bool needs_copy = false;  // some padding is positive; else the view lies over x
    int64_t elems = 0;        // mb * ic * height * width when needs_copy, else 0
};
PaddedInput padded_input(const Problem& p);

// Writes x into `padded` (padded_input(p).elems floats): zeros in the
// top/left/bottom/right padding, trailing input rows and columns that no
// window reads (negative bottom/right padding) left out. OpenMP over planes.
void pad_input(const Problem& p, const float* x, float* padded);

struct WindowView {
    enum Axis { n, c, oh, ow, kh, kw };
    const float* data = nullptr;  // element (0, 0, 0, 0, 0, 0)
    int64_t shape[6] = {};
    int64_t stride[6] = {};       // in elements

    const float* at(int64_t i_n, int64_t i_c, int64_t i_oh, int64_t i_ow, int64_t i_kh, int64_t i_kw) const {
        return data + i_n * stride[n] + i_c * stride[c] + i_oh * stride[oh] + i_ow * stride[ow] + i_kh * stride[kh] +
               i_kw * stride[kw];
    }
};

// The view over `source`: the padded copy when padded_input(p).needs_copy,
// else x itself.
WindowView window_view(const Problem& p, const float* source);

}  // namespace convlab
