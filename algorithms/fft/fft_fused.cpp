#include "algorithms/fft/fft_fused.hpp"

#include <algorithm>

#include <omp.h>

#include "algorithms/timing_phases.hpp"

namespace convlab::fft {

namespace {

float* taps_of(const Geometry& g, const ConvArgs& a) { return reinterpret_cast<float*>(a.workspace + g.weights_offset); }

cfloat* block_of(const Geometry& g, const ConvArgs& a) {
    return reinterpret_cast<cfloat*>(a.workspace + g.scratch_offset +
                                     int64_t(omp_get_thread_num()) * g.scratch_bytes_per_thread);
}

// Rows of `row` complex values that fit one thread's scratch.
int64_t rows_per_block(const Geometry& g, int64_t row, int64_t rows) {
    return std::clamp<int64_t>(g.scratch_bytes_per_thread / (row * int64_t(sizeof(cfloat))), 1, rows);
}

// out[o * cn + j] = spectrum at frequency f of kernel (oc0 + o, c0 + j),
// o < ocn, j < cn, from the tap-major taps (row length ld, kernel (oc, c) at
// oc * cv + c); the imaginary part times `sign` (-1: conjugated).
void spectrum_block(const float* taps, int64_t ld, int64_t cv, const KernelDft& dft, int64_t f, int64_t oc0,
                    int64_t ocn, int64_t c0, int64_t cn, float sign, cfloat* out) {
    constexpr int64_t chunk = 256;
    alignas(64) float re[chunk], im[chunk];
    const float *cosine = dft.forward_cos(f), *sine = dft.forward_sin(f);
    for (int64_t o = 0; o < ocn; ++o)
        for (int64_t j0 = 0; j0 < cn; j0 += chunk) {
            const int64_t len = std::min(chunk, cn - j0);
            std::fill(re, re + len, 0.0f), std::fill(im, im + len, 0.0f);
            for (int64_t k = 0; k < dft.taps(); ++k) {
                const float a = cosine[k], b = sign * sine[k];
                const float* src = taps + k * ld + (oc0 + o) * cv + c0 + j0;
                for (int64_t j = 0; j < len; ++j) re[j] += a * src[j], im[j] += b * src[j];
            }
            float* dst = reinterpret_cast<float*>(out + o * cn + j0);
            for (int64_t j = 0; j < len; ++j) dst[2 * j] = re[j], dst[2 * j + 1] = im[j];
        }
}

}  // namespace

void lay_out_taps(const Geometry& g, const KernelDft& dft, const ConvArgs& a, int64_t gi, int64_t oc0, int64_t ocb) {
    TimingPhaseScope scope(a.timing_phases, "fft_w");
    const int64_t taps = dft.taps(), ld = ocb * g.cv;
    const float* w = a.w + (gi * g.ocg + oc0) * g.cv * taps;
    float* out = taps_of(g, a);
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t i = 0; i < ld; ++i)
        for (int64_t k = 0; k < taps; ++k) out[k * ld + i] = w[i * taps + k];
}

void fused_forward_products(const Geometry& g, const KernelDft& dft, const ConvArgs& a, Gemm gemm, int64_t ocb,
                            int64_t tbc) {
    TimingPhaseScope scope(a.timing_phases, "product");
    const float* taps = taps_of(g, a);
    cfloat* cf = reinterpret_cast<cfloat*>(a.workspace + g.channels_offset);
    cfloat* of = reinterpret_cast<cfloat*>(a.workspace + g.outputs_offset);
    const int64_t cv = g.cv, ld = ocb * cv;
    const int64_t rows = rows_per_block(g, cv, ocb), blocks = (ocb + rows - 1) / rows;
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t i = 0; i < blocks * g.freqs; ++i) {
        const int64_t r0 = i / g.freqs * rows, f = i % g.freqs, n = std::min(rows, ocb - r0);
        cfloat* block = block_of(g, a);
        spectrum_block(taps, ld, cv, dft, f, r0, n, 0, cv, -1.0f, block);
        product_at(gemm, Product::forward, n, tbc, cv, block, cf + f * cv * tbc, of + f * ocb * tbc + r0 * tbc,
                   cfloat(0.0f));
    }
}

}  // namespace convlab::fft
