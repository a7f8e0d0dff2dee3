// The forward products with the weights' spectra made where they are used,
// for problems with a single polyphase (KernelDft applies).
//
// Stored whole, the spectra of a block of kernels are F complex values per
// kernel against kh * kw taps: on small planes with many channels (ResNet-50's
// res5, AlexNet's conv3 to conv5) they are tens of MiB, written once and read
// once from memory per call, and that traffic was fwd's largest phase. Here
// the taps of the block are laid out tap-major once per call, and each thread
// makes the spectrum of a block of output channels at one frequency in its
// scratch (fitting L2) just before the complex GEMM that uses it: 2 kh kw
// multiply-adds per complex value, vectorised across kernels.
//
// Only fwd: the same scheme for bwd_d (blocks of input channels) and bwd_w
// (each frequency's dW folded into the taps at once) ran slower than the
// stored spectra, the smaller GEMMs and the per-frequency folding costing
// more than the traffic they saved (results/fft/README.md).
//
// Work is split between threads by blocks of output channels and
// frequencies, each product single-threaded, so the result does not depend
// on the thread count.
#pragma once

#include <cstdint>

#include "algorithms/algorithm.hpp"
#include "algorithms/fft/fft_geometry.hpp"
#include "algorithms/fft/fft_kernel_dft.hpp"
#include "algorithms/fft/fft_products.hpp"

namespace convlab::fft {

// The taps of output channels [oc0, oc0 + ocb) of group gi, tap-major:
// the weights region's [k][oc * cv + c], oc counted from oc0.
void lay_out_taps(const Geometry& g, const KernelDft& dft, const ConvArgs& a, int64_t gi, int64_t oc0, int64_t ocb);

// The forward products as multiply() computes them, with the weights'
// conjugated spectra made from the tap-major taps.
void fused_forward_products(const Geometry& g, const KernelDft& dft, const ConvArgs& a, Gemm gemm, int64_t ocb,
                            int64_t tbc);

}  // namespace convlab::fft
