#include "algorithms/fft/fft_pointwise.hpp"

#include <algorithm>
#include <utility>

#include <omp.h>

#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/common/blas.hpp"
#include "algorithms/fft/fft_tiles.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab::fft {

namespace {

// Images [n0, n0 + nb) of one block: their virtual planes side by side,
// columns (i * plane + j) of a [rows][nb * plane] matrix.
struct Block {
    int64_t n0, nb, plane;
    int64_t columns() const { return nb * plane; }
};

float* channels_of(const ConvArgs& a) { return reinterpret_cast<float*>(a.workspace); }
float* outputs_of(const Geometry& g, const ConvArgs& a) {
    return reinterpret_cast<float*>(a.workspace + g.outputs_offset);
}

// The position in the input plane of virtual position j of polyphase r, or -1 outside it.
int64_t input_index(const Axis& a, int64_t j, int64_t r) {
    const int64_t i = a.stride * j + r - a.pad;
    return i >= 0 && i < a.in ? i : -1;
}

// The forward transform of size 1: X'[c'][i * plane + j] for the block's
// images, zero where the polyphase position falls in the padding.
void gather_inputs(const Geometry& g, const ConvArgs& a, int64_t gi, const Block& b, float* cols) {
    TimingPhaseScope scope(a.timing_phases, "fft_x");
    const int64_t in_plane = g.p.ih * g.p.iw;
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t cvi = 0; cvi < g.cv; ++cvi) {
        const VirtualChannel vc = split_channel(g, cvi);
        for (int64_t i = 0; i < b.nb; ++i) {
            const float* x = a.x + ((b.n0 + i) * g.p.ic + gi * g.p.icg() + vc.c) * in_plane;
            float* out = cols + cvi * b.columns() + i * b.plane;
            for (int64_t jh = 0; jh < g.h.out; ++jh) {
                const int64_t ih = input_index(g.h, jh, vc.rh);
                for (int64_t jw = 0; jw < g.w.out; ++jw) {
                    const int64_t iw = input_index(g.w, jw, vc.rw);
                    out[jh * g.w.out + jw] = ih >= 0 && iw >= 0 ? x[ih * g.p.iw + iw] : 0.0f;
                }
            }
        }
    }
}

// dy's planes of the block's images for group gi, as [ocg][nb * plane].
void gather_dy(const Geometry& g, const ConvArgs& a, int64_t gi, const Block& b, float* outs) {
    TimingPhaseScope scope(a.timing_phases, "fft_dy");
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t oc = 0; oc < g.ocg; ++oc)
        for (int64_t i = 0; i < b.nb; ++i) {
            const float* dy = a.dy + ((b.n0 + i) * g.p.oc + gi * g.ocg + oc) * b.plane;
            std::copy(dy, dy + b.plane, outs + oc * b.columns() + i * b.plane);
        }
}

// The columns [c0, c1) of n that thread t of `parts` takes: equal shares in
// multiples of 16 (whole cache lines of a row).
std::pair<int64_t, int64_t> share(int64_t n, int64_t t, int64_t parts) {
    const int64_t per = ((n + parts - 1) / parts + 15) / 16 * 16;
    const int64_t c0 = std::min(n, t * per);
    return {c0, std::min(n, c0 + per)};
}

// C = op(A) B (+ beta C), the columns of B and C shared out between threads,
// each thread one single-threaded GEMM (OpenBLAS runs so inside a parallel
// region), as the other products of this engine.
void gemm_by_columns(const Geometry& g, bool trans_a, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
                     const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
#pragma omp parallel num_threads(g.threads)
    {
        const auto [c0, c1] = share(n, omp_get_thread_num(), omp_get_num_threads());
        if (c0 < c1) sgemm(trans_a, false, m, c1 - c0, k, a, lda, b + c0, ldb, beta, c + c0, ldc);
    }
}

float* partials_of(const Geometry& g, const ConvArgs& a) {
    return reinterpret_cast<float*>(a.workspace + g.scratch_offset);
}
int64_t partial_stride(const Geometry& g) { return (g.ocg * g.cv * int64_t(sizeof(float)) + 63) / 64 * 16; }

// Thread t's partial dW (+)= dY[:, its columns] X[:, its columns]^T, over the
// n columns (positions) of one block; set rather than added when `first`.
void weights_by_columns(const Geometry& g, const ConvArgs& a, int64_t n, const float* dy, int64_t ldy, const float* x,
                        int64_t ldx, bool first) {
#pragma omp parallel num_threads(g.threads)
    {
        const int t = omp_get_thread_num();
        const auto [c0, c1] = share(n, t, omp_get_num_threads());
        float* part = partials_of(g, a) + t * partial_stride(g);
        if (c0 < c1)
            sgemm(false, true, g.ocg, g.cv, c1 - c0, dy + c0, ldy, x + c0, ldx, first ? 0.0f : 1.0f, part, g.cv);
        else if (first)
            std::fill(part, part + g.ocg * g.cv, 0.0f);
    }
}

// dw of one group = the threads' partials summed.
void sum_partials(const Geometry& g, const ConvArgs& a, float* dw) {
    const float* parts = partials_of(g, a);
    const int64_t stride = partial_stride(g);
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t i = 0; i < g.ocg * g.cv; ++i) {
        float sum = 0.0f;
        for (int t = 0; t < g.threads; ++t) sum += parts[t * stride + i];
        dw[i] = sum;
    }
}

}  // namespace

void pointwise_forward(const Geometry& g, const ConvArgs& a) {
    const int64_t plane = g.h.out * g.w.out, cv = g.cv, ocg = g.ocg;
    for (int64_t gi = 0; gi < g.p.g; ++gi) {
        const float* w = a.w + gi * ocg * cv;
        const float* bias = a.b ? a.b + gi * ocg : nullptr;
        for (int64_t n0 = 0; n0 < g.p.mb; n0 += g.images_per_block) {
            const Block b{n0, std::min(g.images_per_block, g.p.mb - n0), plane};
            float* y = a.y + (n0 * g.p.oc + gi * ocg) * plane;
            if (!g.gathered) {  // one image, its planes in place; the GEMM adds onto the bias
                TimingPhaseScope scope(a.timing_phases, "product");
                for (int64_t oc = 0; oc < ocg; ++oc) std::fill(y + oc * plane, y + (oc + 1) * plane, bias ? bias[oc] : 0.0f);
                gemm_by_columns(g, false, ocg, plane, cv, w, cv, a.x + (n0 * g.p.ic + gi * cv) * plane, plane, 1.0f, y,
                                plane);
                continue;
            }
            float *cols = channels_of(a), *outs = outputs_of(g, a);
            gather_inputs(g, a, gi, b, cols);
            {
                TimingPhaseScope scope(a.timing_phases, "product");
                gemm_by_columns(g, false, ocg, b.columns(), cv, w, cv, cols, b.columns(), 0.0f, outs, b.columns());
            }
            TimingPhaseScope scope(a.timing_phases, "ifft");
#pragma omp parallel for num_threads(g.threads) schedule(static)
            for (int64_t oc = 0; oc < ocg; ++oc) {
                const float add = bias ? bias[oc] : 0.0f;
                for (int64_t i = 0; i < b.nb; ++i) {
                    const float* src = outs + oc * b.columns() + i * plane;
                    float* dst = a.y + ((n0 + i) * g.p.oc + gi * ocg + oc) * plane;
                    for (int64_t j = 0; j < plane; ++j) dst[j] = src[j] + add;
                }
            }
        }
    }
}

void pointwise_backward_data(const Geometry& g, const ConvArgs& a) {
    const int64_t plane = g.h.out * g.w.out, in_plane = g.p.ih * g.p.iw, cv = g.cv, ocg = g.ocg;
    if (g.gathered) {
        // Inputs no polyphase position reaches (between strides, in no
        // window) get no scattered value: they are zero.
        TimingPhaseScope scope(a.timing_phases, "ifft");
        std::fill(a.dx, a.dx + g.p.x_elems(), 0.0f);
    }
    for (int64_t gi = 0; gi < g.p.g; ++gi) {
        const float* w = a.w + gi * ocg * cv;
        for (int64_t n0 = 0; n0 < g.p.mb; n0 += g.images_per_block) {
            const Block b{n0, std::min(g.images_per_block, g.p.mb - n0), plane};
            if (!g.gathered) {
                TimingPhaseScope scope(a.timing_phases, "product");
                gemm_by_columns(g, true, cv, plane, ocg, w, cv, a.dy + (n0 * g.p.oc + gi * ocg) * plane, plane, 0.0f,
                                a.dx + (n0 * g.p.ic + gi * cv) * plane, plane);
                continue;
            }
            float *cols = channels_of(a), *outs = outputs_of(g, a);
            gather_dy(g, a, gi, b, outs);
            {
                TimingPhaseScope scope(a.timing_phases, "product");
                gemm_by_columns(g, true, cv, b.columns(), ocg, w, cv, outs, b.columns(), 0.0f, cols, b.columns());
            }
            TimingPhaseScope scope(a.timing_phases, "ifft");
#pragma omp parallel for num_threads(g.threads) schedule(static)
            for (int64_t cvi = 0; cvi < cv; ++cvi) {
                const VirtualChannel vc = split_channel(g, cvi);
                for (int64_t i = 0; i < b.nb; ++i) {
                    const float* src = cols + cvi * b.columns() + i * plane;
                    float* dx = a.dx + ((n0 + i) * g.p.ic + gi * g.p.icg() + vc.c) * in_plane;
                    for (int64_t jh = 0; jh < g.h.out; ++jh) {
                        const int64_t ih = input_index(g.h, jh, vc.rh);
                        if (ih < 0) continue;
                        for (int64_t jw = 0; jw < g.w.out; ++jw)
                            if (const int64_t iw = input_index(g.w, jw, vc.rw); iw >= 0)
                                dx[ih * g.p.iw + iw] = src[jh * g.w.out + jw];
                    }
                }
            }
        }
    }
}

void pointwise_backward_weights(const Geometry& g, const ConvArgs& a) {
    const int64_t plane = g.h.out * g.w.out, cv = g.cv, ocg = g.ocg;
    for (int64_t gi = 0; gi < g.p.g; ++gi) {
        for (int64_t n0 = 0; n0 < g.p.mb; n0 += g.images_per_block) {
            const Block b{n0, std::min(g.images_per_block, g.p.mb - n0), plane};
            if (!g.gathered) {
                TimingPhaseScope scope(a.timing_phases, "product");
                weights_by_columns(g, a, plane, a.dy + (n0 * g.p.oc + gi * ocg) * plane, plane,
                                   a.x + (n0 * g.p.ic + gi * cv) * plane, plane, n0 == 0);
                continue;
            }
            float *cols = channels_of(a), *outs = outputs_of(g, a);
            gather_inputs(g, a, gi, b, cols);
            gather_dy(g, a, gi, b, outs);
            TimingPhaseScope scope(a.timing_phases, "product");
            weights_by_columns(g, a, b.columns(), outs, b.columns(), cols, b.columns(), n0 == 0);
        }
        TimingPhaseScope scope(a.timing_phases, "product");
        sum_partials(g, a, a.dw + gi * ocg * cv);
    }
    if (a.db) {
        TimingPhaseScope scope(a.timing_phases, "db");
        bias_gradient(g.p, a.dy, a.db);
    }
}

}  // namespace convlab::fft
