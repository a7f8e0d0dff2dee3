// The two FFTW plans of one FFT size (real-to-complex and back), planned once
// per process, and the per-thread scratch they run on, a batch of buffers at a time.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>

#include "algorithms/fft/fft_geometry.hpp"

namespace convlab::fft {

using cfloat = std::complex<float>;  // layout-compatible with fftwf_complex

// One thread's batch of real N x N buffers and complex half spectra.
struct Scratch {
    std::byte* base;
    int64_t batch, real_bytes, spectrum_bytes;
    float* real(int64_t j) const { return reinterpret_cast<float*>(base + j * real_bytes); }
    cfloat* spectrum(int64_t j) const {
        return reinterpret_cast<cfloat*>(base + batch * real_bytes + j * spectrum_bytes);
    }
};

class Transforms {
public:
    // Takes the plans of g's size from the process's cache, planning them on
    // the first use (see plans_of in the .cpp).
    explicit Transforms(const Geometry& g);
    Transforms(const Transforms&) = delete;
    Transforms& operator=(const Transforms&) = delete;

    Scratch scratch(std::byte* workspace, int thread) const;
    // The planner flags chosen and how long planning took, e.g. "FFTW_MEASURE, planned in 3.1 ms".
    std::string planning() const;

    // r2c of s.real(j) for j < count, then spectrum j scattered to
    // dst[f * stride + j] (conjugated when asked), f in row-major half-spectrum order.
    void forward(const Scratch& s, int64_t count, cfloat* dst, int64_t stride, bool conjugate) const;
    // src[f * stride + j] gathered into s.spectrum(j), then c2r into s.real(j)
    // (unnormalised), for j < count.
    void inverse(const Scratch& s, int64_t count, const cfloat* src, int64_t stride) const;

private:
    // s.spectrum(j) for j < count to dst[f * stride + j], conjugated when asked.
    void scatter(const Scratch& s, int64_t count, cfloat* dst, int64_t stride, bool conjugate) const;

    int64_t freqs_, scratch_offset_, batch_, real_bytes_, spectrum_bytes_, scratch_bytes_per_thread_;
    void* r2c_ = nullptr;  // fftwf_plan, kept out of this header; owned by the cache
    void* c2r_ = nullptr;
    bool measured_flags_ = false, reused_ = false;
    double planning_ms_ = 0;
};

}  // namespace convlab::fft
