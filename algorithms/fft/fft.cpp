// fft: FFT convolution on FFTW (fftw3f), tiled overlap-save, all three
// directions; strides and dilation through a polyphase split of the input
// into stride-1 channels (see fft_geometry.hpp), so nothing is declined but a
// problem whose channels do not fit the workspace bound.
//
// A thin Algorithm: all the work is in the primitive FftConvolution
// (fft_conv.hpp), built from (problem, direction, threads).
#include <memory>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/fft/fft_conv.hpp"
#include "algorithms/fft/fft_geometry.hpp"

namespace convlab {

namespace {

class Fft final : public Algorithm {
public:
    std::string_view name() const override { return "fft"; }
    std::string_view description() const override {
        return "FFT convolution on FFTW: overlap-save tiles, one complex GEMM over channels per frequency; "
               "weights' spectra by a real GEMM over the taps; strides by polyphase split; one-tap virtual kernels "
               "(1x1) at FFT size 1x1, real spectra, products by sgemm; bwd_d as full convolution, bwd_w as "
               "correlation of x with dy";
    }
    std::string_view family() const override { return "fft"; }

    // Not exact: the transforms' twiddle factors are irrational.
    // Measured with check() (errors scaled by the plane's largest sum of
    // |terms|, see harness/verify/check.cpp) by `build/tests/tolerance_survey fft`,
    // 600 random problems per direction (tests/random_problem.hpp):
    //   seed 99: fwd median 6.5e-8, p99 1.6e-7, max 2.3e-7; bwd_d max 8.1e-7;
    //            bwd_w max 2.2e-7;
    //   seed 7:  fwd max 2.3e-7; bwd_d max 2.8e-6; bwd_w max 6.0e-7
    //   (re-run with size 1x1 for one-tap kernels and fwd's spectra made per
    //   frequency: within a few percent of the figures before them).
    // AlexNet's layers at mb 1 (`convlab validate`) stay below 1e-7.
    // 3e-5 is 10x the worst seen.
    // A transform mixes every value of a tile: a NaN or Inf input spreads to
    // every output of the tiles it touches, and rounding error spreads across
    // the tile (the checker scales errors by the plane's largest element).
    Contract contract() const override {
        return {.exact_on_integers = false, .tolerance = 3e-5, .mixes_neighbours = true};
    }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        if (std::string why = fft::Geometry(p, d, threads).declined; !why.empty()) return {nullptr, why};
        return prepared<fft::FftConvolution>(p, d, threads);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_fft() { return std::make_unique<Fft>(); }

}  // namespace convlab
