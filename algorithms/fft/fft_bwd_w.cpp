// Backward weights: the correlation of x with dy, summed over images and
// tiles in the frequency domain, one inverse transform per (oc, c').
#include <algorithm>

#include <omp.h>

#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/fft/fft_conv.hpp"
#include "algorithms/fft/fft_products.hpp"
#include "algorithms/fft/fft_tiles.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab::fft {

namespace {

// db, by the rule every engine shares (common/bias_gradient.hpp), timed as its own timing phase.
void bias_gradient_timed(const Geometry& g, const ConvArgs& a) {
    TimingPhaseScope scope(a.timing_phases, "db");
    bias_gradient(g.p, a.dy, a.db);
}

}  // namespace

void FftConvolution::backward_weights(const ConvArgs& a) const {
    const Geometry& g = g_;
    const Transforms& tr = *transforms_;
    const cfloat* wf = reinterpret_cast<const cfloat*>(a.workspace + g.weights_offset);
    const float scale = 1.0f / float(g.h.n * g.w.n);
    const int64_t kernel = g.p.kh * g.p.kw, icg = g.p.icg();
    for (int64_t gi = 0; gi < g.p.g; ++gi) {
        for (int64_t oc0 = 0; oc0 < g.ocg; oc0 += g.oc_block) {
            const int64_t ocb = std::min(g.oc_block, g.ocg - oc0);
            for (int64_t t0 = 0; t0 < g.tiles; t0 += g.tile_block) {
                const int64_t tbc = std::min(g.tile_block, g.tiles - t0);
                // With a single tile block the transformed inputs stay valid
                // across output-channel blocks.
                if (oc0 == 0 || g.tile_blocks() > 1) transform_inputs(g, tr, a, gi, t0, tbc);
                transform_dy(g, tr, a, gi, oc0, ocb, t0, tbc);
                multiply(g, a, gemm_, Product::backward_weights, ocb, tbc, t0 > 0);
            }
            TimingPhaseScope scope(a.timing_phases, "ifft");
            if (kernel_dft_) {  // the taps only, by one real GEMM
                kernel_dft_->inverse(wf, ocb * g.cv, scale, a.dw + (gi * g.ocg + oc0) * icg * kernel, a.workspace);
                continue;
            }
            const int64_t batch = g.batch, per_row = (g.cv + batch - 1) / batch;
#pragma omp parallel for num_threads(g.threads) schedule(static)
            for (int64_t i = 0; i < ocb * per_row; ++i) {
                const int64_t oc = i / per_row, first = i % per_row * batch, count = std::min(batch, g.cv - first);
                const Scratch s = tr.scratch(a.workspace, omp_get_thread_num());
                tr.inverse(s, count, wf + oc * g.cv + first, ocb * g.cv);
                for (int64_t j = 0; j < count; ++j) {
                    const VirtualChannel vc = split_channel(g, first + j);
                    const float* real = s.real(j);
                    // Each kernel tap belongs to exactly one polyphase: write the taps of this one.
                    float* dw = a.dw + ((gi * g.ocg + oc0 + oc) * icg + vc.c) * kernel;
                    for (int64_t qh = 0; qh < g.h.vtaps; ++qh) {
                        const int64_t kh = g.h.tap_of(qh, vc.rh);
                        if (kh < 0) continue;
                        for (int64_t qw = 0; qw < g.w.vtaps; ++qw) {
                            const int64_t kw = g.w.tap_of(qw, vc.rw);
                            if (kw >= 0) dw[kh * g.p.kw + kw] = real[qh * g.w.n + qw] * scale;
                        }
                    }
                }
            }
        }
    }
    if (a.db) bias_gradient_timed(g, a);
}

}  // namespace convlab::fft
