// FFT convolution (tiled overlap-save on FFTW), all three directions, as one
// primitive built once per (problem, direction, threads): the geometry, the
// FFTW plans (flags chosen by timing) and the GEMM choice are made in the
// constructor, outside the timed call; execute() only runs.
//
// fwd:   per group and block of tiles, r2c of every input tile (X'), per
//        block of output channels the weights' spectra (once per call when one
//        block holds them all: with a single polyphase made per frequency
//        beside the product from the taps, see fft_fused.hpp, else r2c), per
//        frequency one complex GEMM (cgemm or cgemm3m, the faster at prepare)
//        Y[oc][t] = conj(W)[oc][c'] X[c'][t] (a correlation), c2r, bias.
//        A one-tap virtual kernel (1x1) runs at FFT size 1x1: fft_pointwise.hpp.
// bwd_d: dX'[c'][t] = W^T[c'][oc] DY[oc][t] per frequency (a full
//        convolution: no conjugate), accumulated over output-channel blocks,
//        c2r, each virtual input scattered back to its dx element.
// bwd_w: dW[oc][c'] = sum_t conj(DY)[oc][t] X[c'][t] per frequency,
//        accumulated over all tiles of all images, then one c2r per (oc, c')
//        (or, with a single polyphase, the taps alone by one real GEMM);
//        db = sum of dy in double.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/fft/fft_geometry.hpp"
#include "algorithms/fft/fft_kernel_dft.hpp"
#include "algorithms/fft/fft_products.hpp"
#include "algorithms/fft/fft_transforms.hpp"

namespace convlab::fft {

class FftConvolution final : public Primitive {
public:
    // Throws std::invalid_argument with the decline reason when the geometry declines.
    FftConvolution(const Problem& p, Direction d, int threads, int64_t limit = workspace_limit_bytes);

    int64_t workspace_bytes() const override { return g_.workspace_bytes; }
    std::string implementation() const override;

protected:
    void run(const ConvArgs& args) const override;

private:
    void forward(const ConvArgs& a) const;
    void backward_data(const ConvArgs& a) const;
    void backward_weights(const ConvArgs& a) const;

    Geometry g_;
    std::unique_ptr<Transforms> transforms_;  // null at size 1 x 1 (pointwise)
    std::unique_ptr<KernelDft> kernel_dft_;   // null when a problem has several polyphases
    Gemm gemm_ = Gemm::cgemm;  // chosen by timing at construction
};

}  // namespace convlab::fft
