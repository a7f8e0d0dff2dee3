// The two FFTW plans of one FFT size (real-to-complex and back) and the
// per-thread scratch they run on.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>

#include "algorithms/fft/fft_geometry.hpp"

namespace convlab::fft {

using cfloat = std::complex<float>;  // layout-compatible with fftwf_complex

// One thread's real N x N buffer and complex half spectrum in the workspace.
struct Scratch {
    float* real;
    cfloat* spectrum;
};

class Transforms {
public:
    explicit Transforms(const Geometry& g);
    ~Transforms();
    Transforms(const Transforms&) = delete;
    Transforms& operator=(const Transforms&) = delete;

    Scratch scratch(std::byte* workspace, int thread) const;

    // r2c of s.real into s.spectrum, then the spectrum scattered to
    // dst[f * stride] (conjugated when asked), f in row-major half-spectrum order.
    void forward(const Scratch& s, cfloat* dst, int64_t stride, bool conjugate) const;
    // src[f * stride] gathered into s.spectrum, then c2r into s.real (unnormalised).
    void inverse(const Scratch& s, const cfloat* src, int64_t stride) const;

private:
    int64_t nh_, nw_, freqs_, scratch_offset_, scratch_real_bytes_, scratch_bytes_per_thread_;
    void* r2c_ = nullptr;  // fftwf_plan, kept out of this header
    void* c2r_ = nullptr;
};

}  // namespace convlab::fft
