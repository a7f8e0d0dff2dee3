// The 1x1 fast path's driver over one ISA's vector type V (see Pointwise in
// plan.hpp). Included after the ISA's target pragma, like kernels.hpp.
#pragma once

#include <algorithm>
#include <stdexcept>

#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/direct/plan.hpp"
#include "algorithms/direct/pointwise_kernels.hpp"
#include "algorithms/direct/reorders.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab::direct {

template <class V, int MR, int NV>
GemmFn gemm_fn_of(int nv, bool tail) {
    if constexpr (NV == 0) {
        throw std::logic_error("direct: no pointwise kernel for the planned tile");
    } else {
        if (nv == NV) return tail ? &gemm_tile<V, MR, NV, true> : &gemm_tile<V, MR, NV, false>;
        return gemm_fn_of<V, MR, NV - 1>(nv, tail);
    }
}

// Tasks: images x groups x pixel tiles, all row tiles of the weights over
// each pixel tile while its K x NV*L panel of X is in cache.
template <class V, int MR, int NV>
void run_gemm(const Pointwise& pw, const Problem& p, int threads, const float* w, const float* x, const float* bias,
              float* y) {
    constexpr int L = V::lanes;
    const int64_t P = pw.pixels, vectors = (P + L - 1) / L, tiles = (vectors + NV - 1) / NV;
    const int64_t full_rows = pw.rows / MR * MR, tasks = p.mb * p.g * tiles;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t task = 0; task < tasks; ++task) {
        const int64_t ng = task / tiles, tile = task % tiles, grp = ng % p.g;
        const int nv = int(std::min<int64_t>(NV, vectors - tile * NV));
        const int64_t tail = tile == tiles - 1 && P % L ? P % L : 0;
        const GemmFn main = gemm_fn_of<V, MR, NV>(nv, tail != 0), single = gemm_fn_of<V, 1, NV>(nv, tail != 0);
        const float* xp = x + ng * pw.k * P + tile * NV * L;
        float* yp = y + ng * pw.rows * P + tile * NV * L;
        const float* wg = w + grp * pw.rows * pw.k;
        const float* bg = bias ? bias + grp * pw.rows : nullptr;
        for (int64_t r = 0; r < full_rows; r += MR)
            main(wg + r * pw.k, xp, pw.k, P, bg ? bg + r : nullptr, yp + r * P, P, tail);
        for (int64_t r = full_rows; r < pw.rows; ++r)
            single(wg + r * pw.k, xp, pw.k, P, bg ? bg + r : nullptr, yp + r * P, P, tail);
    }
}

// Backward weights: each thread owns a contiguous range of (group, oc tile,
// ic tile) and adds chunk after chunk of pixels (images, then vectors) in
// order, so the result does not depend on the thread count.
template <class V, int MR, int NI>
void run_gemm_grad(const Pointwise& pw, const Problem& p, int threads, const float* dy, const float* x, float* dw) {
    constexpr int L = V::lanes;
    const int64_t P = pw.pixels, vectors = (P + L - 1) / L, tail = P % L;
    const int64_t ocg = pw.rows, icg = pw.k;
    const int64_t oc_full = ocg / MR, ic_full = icg / NI;
    const int64_t oc_tiles = oc_full + ocg % MR, ic_tiles = ic_full + icg % NI, tiles = p.g * oc_tiles * ic_tiles;
    const int64_t chunk_vectors = std::min(vectors, pw.chunk_vectors);
    const int64_t chunk_images = chunk_vectors < vectors ? 1 : std::max<int64_t>(1, pw.chunk_vectors / vectors);
    std::fill(dw, dw + p.oc * icg, 0.0f);
#pragma omp parallel num_threads(threads)
    {
        const int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
        const int64_t first = tiles * tid / nt, last = tiles * (tid + 1) / nt;
        for (int64_t n0 = 0; n0 < p.mb; n0 += chunk_images)
            for (int64_t v0 = 0; v0 < vectors; v0 += chunk_vectors)
                for (int64_t t = first; t < last; ++t) {
                    const int64_t it = t % ic_tiles, ot = t / ic_tiles % oc_tiles, grp = t / (ic_tiles * oc_tiles);
                    const bool oc_whole = ot < oc_full, ic_whole = it < ic_full;
                    const int64_t oc0 = oc_whole ? ot * MR : oc_full * MR + (ot - oc_full);
                    const int64_t ic0 = ic_whole ? it * NI : ic_full * NI + (it - ic_full);
                    GradTileArgs g;
                    g.dy = dy + ((n0 * p.g + grp) * ocg + oc0) * P + v0 * L;
                    g.x = x + ((n0 * p.g + grp) * icg + ic0) * P + v0 * L;
                    g.dy_row = g.x_row = P;
                    g.dy_image = p.oc * P, g.x_image = p.ic * P;
                    g.images = std::min(chunk_images, p.mb - n0);
                    g.vectors = std::min(chunk_vectors, vectors - v0);
                    g.tail = v0 + g.vectors == vectors ? tail : 0;
                    g.dw = dw + (grp * ocg + oc0) * icg + ic0, g.dw_stride = icg;
                    const GradTileFn fn = oc_whole ? (ic_whole ? &grad_tile<V, MR, NI> : &grad_tile<V, MR, 1>)
                                                   : (ic_whole ? &grad_tile<V, 1, NI> : &grad_tile<V, 1, 1>);
                    fn(g);
                }
    }
}

template <class V>
void run_pointwise(const Plan& plan, const Pointwise& pw, const ConvArgs& a) {
    const Problem& p = plan.p;
    const int T = plan.threads;
    const bool fwd = plan.d == Direction::fwd;
    float* ws = reinterpret_cast<float*>(a.workspace);
    float *dense_in = ws + plan.off_in, *w = ws + plan.off_w, *dense_out = ws + plan.off_out;
    // NCHW: the plan takes this path in nchw:oihw only.
    const Strides x_strides = activation_strides(plan, p.ic, p.ih, p.iw);
    const Strides dense = activation_strides(plan, p.ic, 1, p.oh * p.ow);
    if (plan.d == Direction::bwd_w) {
        {
            TimingPhaseScope scope(a.timing_phases, "reorder_in");
            if (!pw.dense) gather_pixels(a.x, x_strides, p, dense, dense_in, T);
        }
        {
            TimingPhaseScope scope(a.timing_phases, "conv");
            if (pw.mr == 4) run_gemm_grad<V, 4, 4>(pw, p, T, a.dy, pw.dense ? a.x : dense_in, a.dw);
            else run_gemm_grad<V, 2, 4>(pw, p, T, a.dy, pw.dense ? a.x : dense_in, a.dw);
        }
        if (a.db) bias_gradient(p, a.dy, a.db);
        return;
    }
    {
        TimingPhaseScope scope(a.timing_phases, "reorder_in");
        pack_pointwise_weights(a.w, p, pw, !fwd, w);
        if (fwd && !pw.dense) gather_pixels(a.x, x_strides, p, dense, dense_in, T);
    }
    const float* x = fwd ? (pw.dense ? a.x : dense_in) : a.dy;
    float* y = fwd ? a.y : (pw.dense ? a.dx : dense_out);
    {
        TimingPhaseScope scope(a.timing_phases, "conv");
        if (pw.mr == 8) run_gemm<V, 8, 3>(pw, p, T, w, x, fwd ? a.b : nullptr, y);
        else run_gemm<V, 4, 3>(pw, p, T, w, x, fwd ? a.b : nullptr, y);
    }
    if (!fwd && !pw.dense) {
        TimingPhaseScope scope(a.timing_phases, "reorder_out");
        scatter_pixels(dense_out, dense, p, x_strides, a.dx, T);
    }
}

}  // namespace convlab::direct
