#include "algorithms/fft/fft_kernel_dft.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <cblas.h>
#include <omp.h>

namespace convlab::fft {

namespace {

// The position q of dense tap k in the single polyphase, or -1.
int64_t position_of(const Axis& a, int64_t k) {
    for (int64_t q = 0; q < a.vtaps; ++q)
        if (a.tap_of(q, 0) == k) return q;
    return -1;
}

}  // namespace

KernelDft::KernelDft(const Geometry& g)
    : g_(g), taps_(g.p.kh * g.p.kw), freqs_(g.freqs),
      // Chunks of kernels whose GEMM result fills one thread's scratch.
      forward_chunk_(std::max<int64_t>(1, g.scratch_bytes_per_thread / (2 * g.freqs * int64_t(sizeof(float))))),
      inverse_chunk_(std::max<int64_t>(1, g.scratch_bytes_per_thread / (4 * taps_ * int64_t(sizeof(float))))) {
    const int64_t half = g.w.n / 2 + 1;
    forward_table_.assign(size_t(2 * freqs_ * taps_), 0.0f);
    inverse_table_.assign(size_t(2 * freqs_ * taps_), 0.0f);
    for (int64_t kh = 0; kh < g.p.kh; ++kh) {
        const int64_t qh = position_of(g.h, kh);
        for (int64_t kw = 0; kw < g.p.kw; ++kw) {
            const int64_t qw = position_of(g.w, kw), k = kh * g.p.kw + kw;
            if (qh < 0 || qw < 0) continue;
            for (int64_t f = 0; f < freqs_; ++f) {
                const int64_t fh = f / half, fw = f % half;
                // Reduced mod N in integers so the angle stays exact in double.
                const double theta = 2 * std::numbers::pi *
                                     (double(fh * qh % g.h.n) / double(g.h.n) + double(fw * qw % g.w.n) / double(g.w.n));
                const double c = std::cos(theta), s = std::sin(theta);
                forward_table_[size_t((2 * f) * taps_ + k)] = float(c);
                forward_table_[size_t((2 * f + 1) * taps_ + k)] = float(-s);
                const double mirrored = fw == 0 || 2 * fw == g.w.n ? 1.0 : 2.0;
                inverse_table_[size_t(f * 2 * taps_ + k)] = float(mirrored * c);
                inverse_table_[size_t(f * 2 * taps_ + taps_ + k)] = float(-mirrored * s);
            }
        }
    }
}

float* KernelDft::scratch(std::byte* workspace, int thread) const {
    return reinterpret_cast<float*>(workspace + g_.scratch_offset + int64_t(thread) * g_.scratch_bytes_per_thread);
}

void KernelDft::forward(const float* w, int64_t count, cfloat* dst, bool conjugate, std::byte* workspace) const {
    const int64_t chunk = forward_chunk_, chunks = (count + chunk - 1) / chunk;
    const float sign = conjugate ? -1.0f : 1.0f;
#pragma omp parallel for num_threads(g_.threads) schedule(static)
    for (int64_t i = 0; i < chunks; ++i) {
        const int64_t j0 = i * chunk, jc = std::min(chunk, count - j0);
        float* s = scratch(workspace, omp_get_thread_num());  // [2 freqs][jc]: real rows, imaginary rows
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(2 * freqs_), blasint(jc), blasint(taps_), 1.0f,
                    forward_table_.data(), blasint(taps_), w + j0 * taps_, blasint(taps_), 0.0f, s, blasint(jc));
        for (int64_t f = 0; f < freqs_; ++f) {
            const float *re = s + 2 * f * jc, *im = re + jc;
            cfloat* out = dst + f * count + j0;
            for (int64_t j = 0; j < jc; ++j) out[j] = cfloat(re[j], sign * im[j]);
        }
    }
}

void KernelDft::inverse(const cfloat* src, int64_t count, float scale, float* dw, std::byte* workspace) const {
    const int64_t chunk = inverse_chunk_, chunks = (count + chunk - 1) / chunk;
    const float* spectra = reinterpret_cast<const float*>(src);  // [freqs][count][re, im]
#pragma omp parallel for num_threads(g_.threads) schedule(static)
    for (int64_t i = 0; i < chunks; ++i) {
        const int64_t j0 = i * chunk, jc = std::min(chunk, count - j0);
        // r[k'][2j + c] = sum_f table[f][k'] spectra[f][j][c]: k' < taps pairs
        // with the real parts, k' >= taps with the imaginary parts.
        float* r = scratch(workspace, omp_get_thread_num());
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(2 * taps_), blasint(2 * jc), blasint(freqs_), 1.0f,
                    inverse_table_.data(), blasint(2 * taps_), spectra + 2 * j0, blasint(2 * count), 0.0f, r,
                    blasint(2 * jc));
        for (int64_t j = 0; j < jc; ++j)
            for (int64_t k = 0; k < taps_; ++k)
                dw[(j0 + j) * taps_ + k] = scale * (r[k * 2 * jc + 2 * j] + r[(taps_ + k) * 2 * jc + 2 * j + 1]);
    }
}

}  // namespace convlab::fft
