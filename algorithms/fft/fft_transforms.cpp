#include "algorithms/fft/fft_transforms.hpp"

#include <mutex>
#include <stdexcept>

#include <fftw3.h>

namespace convlab::fft {

namespace {

// FFTW's planner (plan creation and destruction) is not thread-safe; its
// execute functions are.
std::mutex& planner_mutex() {
    static std::mutex mutex;
    return mutex;
}

// FFTW_ESTIMATE picks the algorithm from the sizes alone, in microseconds and
// the same way on every run; FFTW_MEASURE would time candidates (slow to
// prepare, and it may pick differently from run to run, so results would not
// repeat bit for bit). Nothing in convlab imports wisdom that could change it.
constexpr unsigned planner_flags = FFTW_ESTIMATE;

}  // namespace

Transforms::Transforms(const Geometry& g)
    : freqs_(g.freqs), scratch_offset_(g.scratch_offset), batch_(g.batch), real_bytes_(g.real_bytes),
      spectrum_bytes_(g.spectrum_bytes), scratch_bytes_per_thread_(g.scratch_bytes_per_thread) {
    const int64_t nh = g.h.n, nw = g.w.n;
    // Planned on FFTW's own (SIMD-aligned) arrays; the workspace buffers the
    // plans later run on are 64-byte aligned, so the new-array execute
    // functions' alignment requirement holds.
    std::lock_guard lock(planner_mutex());
    float* real = fftwf_alloc_real(size_t(nh * nw));
    fftwf_complex* spectrum = fftwf_alloc_complex(size_t(freqs_));
    if (!real || !spectrum) {
        fftwf_free(real), fftwf_free(spectrum);
        throw std::bad_alloc();
    }
    r2c_ = fftwf_plan_dft_r2c_2d(int(nh), int(nw), real, spectrum, planner_flags);
    c2r_ = fftwf_plan_dft_c2r_2d(int(nh), int(nw), spectrum, real, planner_flags);
    fftwf_free(real), fftwf_free(spectrum);
    if (!r2c_ || !c2r_) {
        if (r2c_) fftwf_destroy_plan(fftwf_plan(r2c_));
        if (c2r_) fftwf_destroy_plan(fftwf_plan(c2r_));
        throw std::runtime_error("fft: FFTW could not plan a " + std::to_string(nh) + "x" + std::to_string(nw) +
                                 " transform");
    }
}

Transforms::~Transforms() {
    std::lock_guard lock(planner_mutex());
    fftwf_destroy_plan(fftwf_plan(r2c_));
    fftwf_destroy_plan(fftwf_plan(c2r_));
}

Scratch Transforms::scratch(std::byte* workspace, int thread) const {
    std::byte* base = workspace + scratch_offset_ + int64_t(thread) * scratch_bytes_per_thread_;
    return {base, batch_, real_bytes_, spectrum_bytes_};
}

void Transforms::forward(const Scratch& s, int64_t count, cfloat* dst, int64_t stride, bool conjugate) const {
    for (int64_t j = 0; j < count; ++j)
        fftwf_execute_dft_r2c(fftwf_plan(r2c_), s.real(j), reinterpret_cast<fftwf_complex*>(s.spectrum(j)));
    scatter(s, count, dst, stride, conjugate);
}

void Transforms::scatter(const Scratch& s, int64_t count, cfloat* dst, int64_t stride, bool conjugate) const {
    const float sign = conjugate ? -1.0f : 1.0f;
    for (int64_t f = 0; f < freqs_; ++f) {
        cfloat* out = dst + f * stride;
        for (int64_t j = 0; j < count; ++j) {
            const cfloat v = s.spectrum(j)[f];
            out[j] = cfloat(v.real(), sign * v.imag());
        }
    }
}

void Transforms::inverse(const Scratch& s, int64_t count, const cfloat* src, int64_t stride) const {
    for (int64_t f = 0; f < freqs_; ++f) {
        const cfloat* in = src + f * stride;
        for (int64_t j = 0; j < count; ++j) s.spectrum(j)[f] = in[j];
    }
    for (int64_t j = 0; j < count; ++j)
        fftwf_execute_dft_c2r(fftwf_plan(c2r_), reinterpret_cast<fftwf_complex*>(s.spectrum(j)), s.real(j));
}

}  // namespace convlab::fft
