// Layout transforms on NCHW planes and [oc][ic/g][kh][kw] weights, the pieces
// of backward data by rot180 full convolution (full_conv.hpp) and of anything
// else that needs a strided, padded or rotated copy. Every function writes
// every element of its output (no zero-filling needed by the caller) and
// treats `planes` consecutive h x w planes the same way.
#pragma once

#include <cstdint>

namespace convlab {

// Size of a length-n axis with stride - 1 zeros inserted between elements.
inline int64_t dilated_size(int64_t n, int64_t stride) { return (n - 1) * stride + 1; }
// Size after keeping every stride-th element of a length-n axis, from the first.
inline int64_t eroded_size(int64_t n, int64_t stride) { return (n - 1) / stride + 1; }

// out[p][i * sh][j * sw] = in[p][i][j], zeros elsewhere; out planes are
// dilated_size(h, sh) x dilated_size(w, sw).
void dilate_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t sh, int64_t sw, float* out);

// The inverse of dilate_planes: out[p][i][j] = in[p][i * sh][j * sw]; `h` and
// `w` are the input's sizes, out planes are eroded_size(h, sh) x eroded_size(w, sw).
void erode_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t sh, int64_t sw, float* out);

// Zero padding (all amounts >= 0): out planes are (top + h + bottom) x (left + w + right).
void pad_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t top, int64_t left, int64_t bottom,
                int64_t right, float* out);

// out[p][i][j] = in[p][top + i][left + j] for an out_h x out_w window that
// lies inside the h x w input planes.
void crop_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t top, int64_t left, int64_t out_h,
                 int64_t out_w, float* out);

// Weights [g * ocg][icg][kh][kw] rotated by 180 degrees with input and output
// channels swapped within each group: out is [g * icg][ocg][kh][kw] with
// out[gi * icg + i][o][a][b] = w[gi * ocg + o][i][kh - 1 - a][kw - 1 - b].
void rot180_weights(const float* w, int64_t g, int64_t ocg, int64_t icg, int64_t kh, int64_t kw, float* out);

}  // namespace convlab
