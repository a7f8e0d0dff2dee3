// The 1x1 fast path's driver over one ISA's vector type V (see Pointwise in
// plan.hpp). Included after the ISA's target pragma, like kernels.hpp.
#pragma once

#include <stdexcept>

#include "algorithms/direct/plan.hpp"
#include "algorithms/direct/pointwise_kernels.hpp"
#include "algorithms/direct/reorders.hpp"
#include "algorithms/phase_times.hpp"

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

template <class V>
void run_pointwise(const Plan& plan, const ConvArgs& a) {
    const Problem& p = plan.p;
    const Pointwise& pw = plan.pointwise;
    const int T = plan.threads;
    const bool fwd = plan.d == Direction::fwd;
    float* ws = reinterpret_cast<float*>(a.workspace);
    float *dense_in = ws + plan.off_in, *w = ws + plan.off_w, *dense_out = ws + plan.off_out;
    {
        PhaseScope scope(a.phases, "reorder_in");
        pack_pointwise_weights(a.w, p, pw, !fwd, w);
        if (fwd && !pw.dense) gather_pixels(a.x, p, dense_in, T);
    }
    const float* x = fwd ? (pw.dense ? a.x : dense_in) : a.dy;
    float* y = fwd ? a.y : (pw.dense ? a.dx : dense_out);
    {
        PhaseScope scope(a.phases, "conv");
        if (pw.mr == 8) run_gemm<V, 8, 3>(pw, p, T, w, x, fwd ? a.b : nullptr, y);
        else run_gemm<V, 4, 3>(pw, p, T, w, x, fwd ? a.b : nullptr, y);
    }
    if (!fwd && !pw.dense) {
        PhaseScope scope(a.phases, "reorder_out");
        scatter_pixels(dense_out, p, a.dx, T);
    }
}

}  // namespace convlab::direct
