#include "algorithms/fft/fft_conv.hpp"

#include <algorithm>
#include <stdexcept>

#include <cblas.h>
#include <fmt/format.h>
#include <omp.h>

#include "algorithms/fft/fft_fused.hpp"
#include "algorithms/fft/fft_pointwise.hpp"
#include "algorithms/fft/fft_products.hpp"
#include "algorithms/fft/fft_tiles.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab::fft {

FftConvolution::FftConvolution(const Problem& p, Direction d, int threads, int64_t limit)
    : Primitive(threads), g_(p, d, threads, limit) {
    if (!g_.declined.empty()) throw std::invalid_argument(g_.declined);
    if (g_.pointwise()) return;  // no FFTW plan, no complex GEMM: see fft_pointwise.hpp
    transforms_ = std::make_unique<Transforms>(g_);
    if (KernelDft::applies(g_)) kernel_dft_ = std::make_unique<KernelDft>(g_);
    gemm_ = fastest_gemm(g_);
}

std::string FftConvolution::implementation() const {
    if (g_.pointwise())
        return g_.gathered ? fmt::format("fft size 1x1 (real spectra): sgemm over {} images' gathered planes",
                                         g_.images_per_block)
                           : "fft size 1x1 (real spectra): sgemm per image in place";
    return fmt::format("fftw3f {}x{} ({}), tiles {}x{}, blocks oc {} tiles {}, weights by {}, {}", g_.h.n, g_.w.n,
                       transforms_->planning(), g_.h.tiles, g_.w.tiles, g_.oc_block, g_.tile_block,
                       kernel_dft_ ? "dft gemm" : "fftw", to_string(gemm_));
}

void FftConvolution::run(const ConvArgs& args) const {
    if (g_.pointwise()) {
        switch (g_.d) {
            case Direction::fwd: pointwise_forward(g_, args); break;
            case Direction::bwd_d: pointwise_backward_data(g_, args); break;
            case Direction::bwd_w: pointwise_backward_weights(g_, args); break;
        }
        return;
    }
    switch (g_.d) {
        case Direction::fwd: forward(args); break;
        case Direction::bwd_d: backward_data(args); break;
        case Direction::bwd_w: backward_weights(args); break;
    }
}

// Work items of the transforms: `outer` rows of `inner` neighbours each, in
// batches of up to g.batch neighbours (one batch per item).
struct Batches {
    int64_t inner, batch, per_row;
    Batches(const Geometry& g, int64_t inner_count)
        : inner(inner_count), batch(g.batch), per_row((inner_count + g.batch - 1) / g.batch) {}
    int64_t row(int64_t item) const { return item / per_row; }
    int64_t first(int64_t item) const { return item % per_row * batch; }
    int64_t count(int64_t item) const { return std::min(batch, inner - first(item)); }
};

// Frequency-domain weights of output channels [oc0, oc0 + ocb) of group gi,
// laid out [f][oc][c'], conjugated for the forward correlation. (fwd with a
// single polyphase makes them beside its products instead: fft_fused.hpp.)
void transform_weights(const Geometry& g, const Transforms& tr, const KernelDft* dft, const ConvArgs& a, int64_t gi,
                       int64_t oc0, int64_t ocb, bool conjugate) {
    TimingPhaseScope scope(a.timing_phases, "fft_w");
    cfloat* wf = reinterpret_cast<cfloat*>(a.workspace + g.weights_offset);
    const int64_t kernel = g.p.kh * g.p.kw, icg = g.p.icg();
    if (dft) {  // one virtual channel per channel: the block's kernels are consecutive in w
        dft->forward(a.w + (gi * g.ocg + oc0) * icg * kernel, ocb * g.cv, wf, conjugate, a.workspace);
        return;
    }
    const Batches b(g, g.cv);
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t i = 0; i < ocb * b.per_row; ++i) {
        const int64_t oc = b.row(i), first = b.first(i), count = b.count(i);
        const Scratch s = tr.scratch(a.workspace, omp_get_thread_num());
        for (int64_t j = 0; j < count; ++j) {
            const VirtualChannel vc = split_channel(g, first + j);
            fill_kernel(g, a.w + ((gi * g.ocg + oc0 + oc) * icg + vc.c) * kernel, vc.rh, vc.rw, s.real(j));
        }
        tr.forward(s, count, wf + oc * g.cv + first, ocb * g.cv, conjugate);
    }
}

// Frequency-domain input tiles [t0, t0 + tbc) of group gi, laid out [f][c'][t].
void transform_inputs(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t t0,
                      int64_t tbc) {
    TimingPhaseScope scope(a.timing_phases, "fft_x");
    cfloat* xf = reinterpret_cast<cfloat*>(a.workspace + g.channels_offset);
    const int64_t plane = g.p.ih * g.p.iw;
    const Batches b(g, tbc);
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t i = 0; i < g.cv * b.per_row; ++i) {
        const int64_t cvi = b.row(i), first = b.first(i), count = b.count(i);
        const VirtualChannel vc = split_channel(g, cvi);
        const Scratch s = tr.scratch(a.workspace, omp_get_thread_num());
        for (int64_t j = 0; j < count; ++j) {
            const TileOrigin o = tile_origin(g, t0 + first + j);
            fill_input_tile(g, a.x + (o.n * g.p.ic + gi * g.p.icg() + vc.c) * plane, vc.rh, vc.rw, o.jh, o.jw,
                            s.real(j));
        }
        tr.forward(s, count, xf + cvi * tbc + first, g.cv * tbc, false);
    }
}

// Frequency-domain dy tiles of output channels [oc0, oc0 + ocb), tiles
// [t0, t0 + tbc), laid out [f][oc][t]. bwd_d takes the N x N window ending
// Q - 1 past the tile's first virtual input (a full convolution); bwd_w the
// tile's own T x T outputs, conjugated (a correlation with x).
void transform_dy(const Geometry& g, const Transforms& tr, const ConvArgs& a, int64_t gi, int64_t oc0, int64_t ocb,
                  int64_t t0, int64_t tbc) {
    TimingPhaseScope scope(a.timing_phases, "fft_dy");
    cfloat* df = reinterpret_cast<cfloat*>(a.workspace + g.outputs_offset);
    const int64_t plane = g.p.oh * g.p.ow;
    const bool full = g.d == Direction::bwd_d;
    const Batches b(g, tbc);
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t i = 0; i < ocb * b.per_row; ++i) {
        const int64_t oc = b.row(i), first = b.first(i), count = b.count(i);
        const Scratch s = tr.scratch(a.workspace, omp_get_thread_num());
        for (int64_t j = 0; j < count; ++j) {
            const TileOrigin o = tile_origin(g, t0 + first + j);
            const float* dy = a.dy + (o.n * g.p.oc + gi * g.ocg + oc0 + oc) * plane;
            if (full)
                fill_dy_tile(g, dy, o.jh - g.h.vtaps + 1, o.jw - g.w.vtaps + 1, g.h.n, g.w.n, s.real(j));
            else
                fill_dy_tile(g, dy, o.jh, o.jw, g.h.tile, g.w.tile, s.real(j));
        }
        tr.forward(s, count, df + oc * tbc + first, ocb * tbc, !full);
    }
}

void FftConvolution::forward(const ConvArgs& a) const {
    const Geometry& g = g_;
    const Transforms& tr = *transforms_;
    const cfloat* yf = reinterpret_cast<const cfloat*>(a.workspace + g.outputs_offset);
    const float scale = 1.0f / float(g.h.n * g.w.n);
    const int64_t plane = g.p.oh * g.p.ow;
    for (int64_t gi = 0; gi < g.p.g; ++gi) {
        for (int64_t t0 = 0; t0 < g.tiles; t0 += g.tile_block) {
            const int64_t tbc = std::min(g.tile_block, g.tiles - t0);
            transform_inputs(g, tr, a, gi, t0, tbc);
            for (int64_t oc0 = 0; oc0 < g.ocg; oc0 += g.oc_block) {
                const int64_t ocb = std::min(g.oc_block, g.ocg - oc0);
                const bool new_weights = t0 == 0 || g.oc_blocks() > 1;
                if (kernel_dft_) {  // the spectra made where they are used: fft_fused.hpp
                    if (new_weights) lay_out_taps(g, *kernel_dft_, a, gi, oc0, ocb);
                    fused_forward_products(g, *kernel_dft_, a, gemm_, ocb, tbc);
                } else {
                    if (new_weights) transform_weights(g, tr, nullptr, a, gi, oc0, ocb, true);
                    multiply(g, a, gemm_, Product::forward, ocb, tbc, false);
                }
                TimingPhaseScope scope(a.timing_phases, "ifft");
                const Batches b(g, tbc);
#pragma omp parallel for num_threads(g.threads) schedule(static)
                for (int64_t i = 0; i < ocb * b.per_row; ++i) {
                    const int64_t oc = b.row(i), first = b.first(i), count = b.count(i), goc = gi * g.ocg + oc0 + oc;
                    const Scratch s = tr.scratch(a.workspace, omp_get_thread_num());
                    tr.inverse(s, count, yf + oc * tbc + first, ocb * tbc);
                    const float bias = a.b ? a.b[goc] : 0.0f;
                    for (int64_t j = 0; j < count; ++j) {
                        const TileOrigin o = tile_origin(g, t0 + first + j);
                        float* y = a.y + (o.n * g.p.oc + goc) * plane;
                        const float* real = s.real(j);
                        const int64_t rows = std::min(g.h.tile, g.p.oh - o.jh);
                        const int64_t cols = std::min(g.w.tile, g.p.ow - o.jw);
                        for (int64_t u = 0; u < rows; ++u)
                            for (int64_t v = 0; v < cols; ++v)
                                y[(o.jh + u) * g.p.ow + o.jw + v] = real[u * g.w.n + v] * scale + bias;
                    }
                }
            }
        }
    }
}

void FftConvolution::backward_data(const ConvArgs& a) const {
    const Geometry& g = g_;
    const Transforms& tr = *transforms_;
    const cfloat* xf = reinterpret_cast<const cfloat*>(a.workspace + g.channels_offset);
    const float scale = 1.0f / float(g.h.n * g.w.n);
    const int64_t plane = g.p.ih * g.p.iw;
    {
        // Inputs that no window reaches (a polyphase without taps, rows past the
        // last window) get no scattered value: they are zero.
        TimingPhaseScope scope(a.timing_phases, "ifft");
        std::fill(a.dx, a.dx + g.p.x_elems(), 0.0f);
    }
    for (int64_t gi = 0; gi < g.p.g; ++gi) {
        for (int64_t t0 = 0; t0 < g.tiles; t0 += g.tile_block) {
            const int64_t tbc = std::min(g.tile_block, g.tiles - t0);
            for (int64_t oc0 = 0; oc0 < g.ocg; oc0 += g.oc_block) {
                const int64_t ocb = std::min(g.oc_block, g.ocg - oc0);
                if (t0 == 0 || g.oc_blocks() > 1) transform_weights(g, tr, kernel_dft_.get(), a, gi, oc0, ocb, false);
                transform_dy(g, tr, a, gi, oc0, ocb, t0, tbc);
                multiply(g, a, gemm_, Product::backward_data, ocb, tbc, oc0 > 0);
            }
            TimingPhaseScope scope(a.timing_phases, "ifft");
            const Batches b(g, tbc);
#pragma omp parallel for num_threads(g.threads) schedule(static)
            for (int64_t i = 0; i < g.cv * b.per_row; ++i) {
                const int64_t cvi = b.row(i), first = b.first(i), count = b.count(i);
                const VirtualChannel vc = split_channel(g, cvi);
                const Scratch s = tr.scratch(a.workspace, omp_get_thread_num());
                tr.inverse(s, count, xf + cvi * tbc + first, g.cv * tbc);
                for (int64_t j = 0; j < count; ++j) {
                    const TileOrigin o = tile_origin(g, t0 + first + j);
                    float* dx = a.dx + (o.n * g.p.ic + gi * g.p.icg() + vc.c) * plane;
                    // Virtual input j of polyphase r is dx[s*j + r - pad]; the
                    // tile's j0 + u sits at offset Q - 1 + u of the full convolution.
                    for (int64_t u = 0; u < std::min(g.h.tile, g.h.span - o.jh); ++u) {
                        const int64_t ih = g.h.stride * (o.jh + u) + vc.rh - g.h.pad;
                        if (ih < 0 || ih >= g.p.ih) continue;
                        const float* row = s.real(j) + (u + g.h.vtaps - 1) * g.w.n + g.w.vtaps - 1;
                        for (int64_t v = 0; v < std::min(g.w.tile, g.w.span - o.jw); ++v) {
                            const int64_t iw = g.w.stride * (o.jw + v) + vc.rw - g.w.pad;
                            if (iw >= 0 && iw < g.p.iw) dx[ih * g.p.iw + iw] = row[v] * scale;
                        }
                    }
                }
            }
        }
    }
}

}  // namespace convlab::fft
