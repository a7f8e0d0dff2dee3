// The indirect engine's micro-kernels, written once over a vector type V
// (lanes, reg, zero, load, load_tail, store, store_tail, set1, fma).
//
// Include this header only after `#pragma GCC target(...)` for V's ISA, in
// the one file of that ISA (kernels_avx512.cpp, kernels_avx2.cpp,
// kernels_scalar.cpp): every instantiation names its V, so those of
// different ISAs never collide.
#pragma once

#include <algorithm>
#include <cstdint>

#include "algorithms/indirect/kernel_api.hpp"

namespace convlab::indirect {

// MR pixels x NV vectors of output channels in MR * NV accumulators. Each
// step of the reduction loads NV weight vectors and broadcasts one value of
// each of the MR rows: NV + MR loads for MR * NV FMAs. The rows come from the
// indirection buffer, one pointer per pixel and tap (Dukhan 2019): a padding
// tap's pointer is a zero row, so the loop has no bounds test.
template <class V, int MR, int NV>
void conv_tile(const ConvTile& t) {
    using R = typename V::reg;
    constexpr int L = V::lanes, NR = NV * L;
    R acc[MR][NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
        const R bias = V::load(t.panel + v * L);
#pragma GCC unroll 16
        for (int m = 0; m < MR; ++m) acc[m][v] = bias;
    }
    const float* w = t.panel + NR;
    const float* const* rows = t.rows;
    for (int64_t tap = 0; tap < t.taps; ++tap, rows += MR) {
        const float* a[MR];
#pragma GCC unroll 16
        for (int m = 0; m < MR; ++m) a[m] = rows[m] + t.row_offset;
        for (int64_t k = 0; k < t.kc; ++k, w += NR) {
            R wv[NV];
#pragma GCC unroll 2
            for (int v = 0; v < NV; ++v) wv[v] = V::load(w + v * L);
#pragma GCC unroll 16
            for (int m = 0; m < MR; ++m) {
                const R x = V::set1(a[m][k]);
#pragma GCC unroll 2
                for (int v = 0; v < NV; ++v) acc[m][v] = V::fma(x, wv[v], acc[m][v]);
            }
        }
    }
    for (int m = 0; m < MR; ++m) {
        if (m >= t.pixels) break;
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) {
            const int64_t left = t.channels - v * L;
            if (left >= L) V::store(t.out[m] + v * L, acc[m][v]);
            else if (left > 0) V::store_tail(t.out[m] + v * L, acc[m][v], left);
        }
    }
}

// One pixel's NV dy vectors of a dW tile; WHOLE: all NV * L output channels
// are real, otherwise the missing ones read as zeros (masked loads).
template <class V, int NV, bool WHOLE>
inline void load_dy(const float* dy, int64_t out_channels, typename V::reg (&d)[NV]) {
    constexpr int L = V::lanes;
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
        if constexpr (WHOLE) {
            d[v] = V::load(dy + v * L);
        } else {
            const int64_t left = out_channels - v * L;
            d[v] = left >= L ? V::load(dy + v * L) : left > 0 ? V::load_tail(dy + v * L, left) : V::zero();
        }
        if constexpr (NV > 1) V::in_register(d[v]);
    }
}

// MRW input channels x NV vectors of output channels of one tap's dW in
// registers; each pixel adds its dy vectors times MRW broadcast input values
// (NV + MRW loads for MRW * NV FMAs). WHOLE: every input and output channel
// of the tile is real; otherwise the missing input channels repeat the last
// real one (their sums are never stored) and dy is read with masks.
template <class V, int MRW, int NV, bool WHOLE>
void grad_tile_body(const GradTile& g) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[MRW][NV];
#pragma GCC unroll 16
    for (int i = 0; i < MRW; ++i)
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) acc[i][v] = g.first ? V::zero() : V::load(g.dw + i * g.dw_stride + v * L);
    int64_t channel[MRW];
#pragma GCC unroll 16
    for (int i = 0; i < MRW; ++i) channel[i] = WHOLE ? i : std::min<int64_t>(i, g.in_channels - 1);
    const float* dy = g.dy;
    for (int64_t q0 = 0; q0 < g.pixels; q0 += g.mr) {
        const float* const* rows = g.rows + q0 / g.mr * g.tile_stride;
        const int64_t count = std::min(g.mr, g.pixels - q0);
        for (int64_t m = 0; m < count; ++m, dy += g.dy_stride) {
            const float* x = rows[m] + g.row_offset;
            R d[NV];
            load_dy<V, NV, WHOLE>(dy, g.out_channels, d);
#pragma GCC unroll 16
            for (int i = 0; i < MRW; ++i) {
                const R xv = V::set1(x[WHOLE ? i : channel[i]]);
#pragma GCC unroll 2
                for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(xv, d[v], acc[i][v]);
            }
        }
    }
#pragma GCC unroll 16
    for (int i = 0; i < MRW; ++i)
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) V::store(g.dw + i * g.dw_stride + v * L, acc[i][v]);
}

template <class V, int MRW, int NV>
void grad_tile(const GradTile& g) {
    if (g.in_channels == MRW && g.out_channels == NV * V::lanes) grad_tile_body<V, MRW, NV, true>(g);
    else grad_tile_body<V, MRW, NV, false>(g);
}

// K taps x C input channels (all of a group's) x NV vectors of output
// channels in registers: each pixel loads K row pointers of the tile (MR
// apart in the indirection buffer), NV dy vectors and K * C broadcasts for
// K * C * NV FMAs. WHOLE: K real taps and NV * L real output channels;
// otherwise the missing taps repeat the last real one (their sums are never
// stored) and dy is read with masks.
template <class V, int MR, int K, int C, int NV, bool WHOLE>
void grad_taps_body(const GradTile& g) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[K * C][NV];
#pragma GCC unroll 16
    for (int s = 0; s < K * C; ++s)
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v)
            acc[s][v] = g.first || (!WHOLE && s >= g.taps * C) ? V::zero() : V::load(g.dw + s * g.dw_stride + v * L);
    int64_t tap_at[K];
#pragma GCC unroll 16
    for (int k = 0; k < K; ++k) tap_at[k] = WHOLE ? k * MR : std::min<int64_t>(k, g.taps - 1) * MR;
    const float* dy = g.dy;
    for (int64_t q0 = 0; q0 < g.pixels; q0 += MR) {
        const float* const* rows = g.rows + q0 / MR * g.tile_stride;
        const int64_t count = std::min<int64_t>(MR, g.pixels - q0);
        for (int64_t m = 0; m < count; ++m, dy += g.dy_stride) {
            R d[NV];
            load_dy<V, NV, WHOLE>(dy, g.out_channels, d);
#pragma GCC unroll 16
            for (int k = 0; k < K; ++k) {
                const float* x = rows[tap_at[k] + m] + g.row_offset;
#pragma GCC unroll 16
                for (int c = 0; c < C; ++c) {
                    const R xv = V::set1(x[c]);
#pragma GCC unroll 2
                    for (int v = 0; v < NV; ++v) acc[k * C + c][v] = V::fma(xv, d[v], acc[k * C + c][v]);
                }
            }
        }
    }
#pragma GCC unroll 16
    for (int s = 0; s < K * C; ++s) {
        if (!WHOLE && s >= g.taps * C) break;
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) V::store(g.dw + s * g.dw_stride + v * L, acc[s][v]);
    }
}

template <class V, int MR, int K, int C, int NV>
void grad_taps_tile(const GradTile& g) {
    if (g.taps == K && g.out_channels == NV * V::lanes) grad_taps_body<V, MR, K, C, NV, true>(g);
    else grad_taps_body<V, MR, K, C, NV, false>(g);
}

// The tap-group kernels for C = 1 .. 4 channels a group: as many taps as
// fill MRW rows, where that is at least 2 (a single tap is grad_tile's case).
template <class V, int MR, int MRW, int C>
void add_tap_group(Kernels& k) {
    constexpr int K = MRW / C;
    if constexpr (K >= 2) k.tap_groups[C] = {K, &grad_taps_tile<V, MR, K, C, 2>, &grad_taps_tile<V, MR, K, C, 1>};
}

template <class V, int MR, int MRW>
Kernels kernels_of(std::string_view isa) {
    Kernels k;
    k.isa = isa, k.lanes = V::lanes, k.mr = MR, k.mrw = MRW;
    k.conv_wide = &conv_tile<V, MR, 2>, k.conv_narrow = &conv_tile<V, MR, 1>;
    k.grad_wide = &grad_tile<V, MRW, 2>, k.grad_narrow = &grad_tile<V, MRW, 1>;
    static_assert(Kernels::max_group_channels == 4);
    add_tap_group<V, MR, MRW, 1>(k), add_tap_group<V, MR, MRW, 2>(k);
    add_tap_group<V, MR, MRW, 3>(k), add_tap_group<V, MR, MRW, 4>(k);
    return k;
}

}  // namespace convlab::indirect
