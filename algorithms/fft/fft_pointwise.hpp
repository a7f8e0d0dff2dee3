// FFT convolution at FFT size 1 x 1, the size the geometry's cost model picks
// for a one-tap virtual kernel (a 1x1 kernel at any stride, or a kernel no
// larger than its stride, where each polyphase holds one tap).
//
// A 1 x 1 tile is one position; its 1-point DFT is the identity and its
// spectrum real. So the transforms are the polyphase split alone,
// X'[c'][j] = x[c][s*j + r - p], and the products of all tiles at the one
// frequency are real GEMMs over the virtual channels, with the weights
// tensor itself as the [oc][c'] matrix (c' = (c, rh, rw) is the tap (kh, kw)
// = (rh, rw) of channel c): fwd Y = W X', bwd_d dX' = W^T dY, bwd_w
// dW = dY X'^T summed over images. The polyphase planes are read and written
// in place when they are the tensors' own (stride 1, no padding, wide
// planes); else blocks of images are gathered into the workspace, which also
// widens the GEMMs of small planes.
#pragma once

#include "algorithms/algorithm.hpp"
#include "algorithms/fft/fft_geometry.hpp"

namespace convlab::fft {

void pointwise_forward(const Geometry& g, const ConvArgs& a);
void pointwise_backward_data(const Geometry& g, const ConvArgs& a);
void pointwise_backward_weights(const Geometry& g, const ConvArgs& a);

}  // namespace convlab::fft
