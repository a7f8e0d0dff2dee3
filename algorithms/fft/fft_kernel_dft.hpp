// The weights' side of the FFT convolution as real GEMMs instead of FFTs.
//
// A kernel fills only its Qh x Qw taps of the N x N buffer, so its half
// spectrum is a short sum, W[f] = sum_k w[k] e^{-2 pi i theta_f(k)}: for all
// kernels at once, one real GEMM of the (cos, sin) table [2 freqs][taps] by
// the weights [taps][oc * c'], which reads the weights tensor where it lies.
// Likewise backward-weights needs the inverse only at the Qh x Qw tap
// positions: dw[k] = sum_f c_f Re(W[f] e^{+2 pi i theta_f(k)}) over the half
// spectrum, c_f = 2 for the columns whose mirror image is not stored.
//
// Only when both axes have a single polyphase (stride 1, or a 1-tap extent):
// then virtual channel c' is channel c and the j-th kernel of a block is the
// j-th taps row of the weights tensor.
//
// fwd uses the forward table a frequency at a time, beside its products
// (fft_fused.hpp); bwd_d and bwd_w use forward() and inverse().
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/fft/fft_geometry.hpp"
#include "algorithms/fft/fft_transforms.hpp"

namespace convlab::fft {

class KernelDft {
public:
    explicit KernelDft(const Geometry& g);

    static bool applies(const Geometry& g) { return g.single_polyphase(); }

    // dst[f * count + j] = half spectrum of kernel j (taps at w + j * taps),
    // conjugated when asked, for j < count. Both run on the workspace's
    // per-thread scratch.
    void forward(const float* w, int64_t count, cfloat* dst, bool conjugate, std::byte* workspace) const;
    // dw[j * taps + k] = scale * (inverse transform of src[f * count + j])
    // at tap k, for j < count.
    void inverse(const cfloat* src, int64_t count, float scale, float* dw, std::byte* workspace) const;

    int64_t taps() const { return taps_; }
    // Frequency f's coefficients by tap: cos and -sin of theta_f(k).
    const float* forward_cos(int64_t f) const { return forward_table_.data() + 2 * f * taps_; }
    const float* forward_sin(int64_t f) const { return forward_cos(f) + taps_; }

private:
    float* scratch(std::byte* workspace, int thread) const;

    const Geometry& g_;
    int64_t taps_, freqs_, forward_chunk_, inverse_chunk_;
    std::vector<float> forward_table_;  // [2 freqs][taps]: cos, -sin of theta_f(k)
    std::vector<float> inverse_table_;  // [freqs][2 taps]: c_f cos, -c_f sin
};

}  // namespace convlab::fft
