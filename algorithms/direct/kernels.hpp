// The direct algorithm's register-tiled micro-kernels, written once over a
// vector type V (lanes, reg, zero, load, store, set1, fma): Avx512, Avx2 and
// Scalar, in the kernels_*.cpp files. This is the second SIMD layer beside
// common/simd.hpp's Lanes<L>, because direct picks its ISA at run time
// (CONVLAB_ISA, the CPU): its kernels for every ISA live in one binary, each
// compiled under its own target pragma, while Lanes<L> has the one width the
// build's -march gives.
//
// Include this header only after `#pragma GCC target(...)` for V's ISA, in the
// one file of that ISA (kernels_avx512.cpp, kernels_avx2.cpp,
// kernels_scalar.cpp): the templates then compile for that ISA, and since every
// instantiation names its V, those of different ISAs never collide.
#pragma once

#include <cstdint>

#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

// What a tile kernel needs beyond its pointers; strides in floats.
struct TileCtx {
    int64_t n_red = 0, red_blk = 0;  // reduction blocks and channels per block
    int64_t in_blk_stride = 0;       // between reduction blocks of the input
    int64_t w_blk_stride = 0;        // between reduction blocks of the weights
    int64_t w_out_stride = 0;        // between lane blocks of the weights
    int64_t out_blk_stride = 0, out_col_stride = 0;
    int64_t in_col_step = 0;         // between tile columns in the input
    const Tap* taps = nullptr;
    int64_t n_taps = 0;
    bool accumulate = false;         // start from the sums in `out` (a later reduction chunk), not the bias
};
using TileFn = void (*)(const TileCtx&, const float* in, const float* w, const float* bias, float* out);

// NB lane blocks x UR pixels of one output row, accumulated in NB*UR vector
// registers over every reduction channel and tap: each weight vector feeds
// UR FMAs, each broadcast input value NB. RB (channels per reduction block)
// and STEP (floats between tile columns in the input) are compile-time when
// non-zero, so every input address is the pointer plus a constant.
template <class V, int NB, int UR, int RB, int STEP>
void conv_tile(const TileCtx& c, const float* in, const float* w, const float* bias, float* out) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    const int64_t rb = RB ? RB : c.red_blk;
    const int64_t step = STEP ? STEP : c.in_col_step;
    R acc[NB][UR];
#pragma GCC unroll 4
    for (int nb = 0; nb < NB; ++nb) {
        const R init = bias ? V::load(bias + nb * L) : V::zero();
#pragma GCC unroll 32
        for (int j = 0; j < UR; ++j)
            acc[nb][j] = c.accumulate ? V::load(out + nb * c.out_blk_stride + j * c.out_col_stride) : init;
    }
    for (int64_t blk = 0; blk < c.n_red; ++blk) {
        const float* in_blk = in + blk * c.in_blk_stride;
        const float* w_blk = w + blk * c.w_blk_stride;
        for (int64_t t = 0; t < c.n_taps; ++t) {
            const float* ip = in_blk + c.taps[t].in_off;
            const float* wp = w_blk + c.taps[t].w_off;
            for (int64_t i = 0; i < rb; ++i, ++ip, wp += L) {
                R wv[NB];
#pragma GCC unroll 4
                for (int nb = 0; nb < NB; ++nb) wv[nb] = V::load(wp + nb * c.w_out_stride);
#pragma GCC unroll 32
                for (int j = 0; j < UR; ++j) {
                    const R xv = V::set1(ip[j * step]);
#pragma GCC unroll 4
                    for (int nb = 0; nb < NB; ++nb) acc[nb][j] = V::fma(xv, wv[nb], acc[nb][j]);
                }
            }
        }
    }
#pragma GCC unroll 4
    for (int nb = 0; nb < NB; ++nb)
#pragma GCC unroll 32
        for (int j = 0; j < UR; ++j) V::store(out + nb * c.out_blk_stride + j * c.out_col_stride, acc[nb][j]);
}

// Depthwise: UR pixels of one block of channels, each lane its own channel:
// the input is loaded as vectors (no broadcast) and multiplied by the tap's
// vector of per-channel weights. Same context as conv_tile (n_red unused).
template <class V, int UR, int STEP>
void depthwise_tile(const TileCtx& c, const float* in, const float* w, const float* bias, float* out) {
    using R = typename V::reg;
    const int64_t step = STEP ? STEP : c.in_col_step;
    R acc[UR];
    const R init = bias ? V::load(bias) : V::zero();
#pragma GCC unroll 32
    for (int j = 0; j < UR; ++j) acc[j] = init;
    for (int64_t t = 0; t < c.n_taps; ++t) {
        const float* ip = in + c.taps[t].in_off;
        R wv = V::load(w + c.taps[t].w_off);
        V::in_register(wv);
#pragma GCC unroll 32
        for (int j = 0; j < UR; ++j) acc[j] = V::fma(V::load(ip + j * step), wv, acc[j]);
    }
#pragma GCC unroll 32
    for (int j = 0; j < UR; ++j) V::store(out + j * c.out_col_stride, acc[j]);
}

// Depthwise backward weights over `rows` output rows: NT taps' dw vectors in
// registers, each dy vector multiplied by the input vector under each tap.
struct DepthwiseGradCtx {
    int64_t x_row_stride = 0, x_col_stride = 0, dy_row_stride = 0, ow = 0;
    const int64_t* tap_offsets = nullptr;  // floats from the pixel's input to each tap's
};
using DepthwiseGradFn = void (*)(const DepthwiseGradCtx&, const float* x, const float* dy, float* dw, int64_t rows);

template <class V, int NT>
void depthwise_grad_rows(const DepthwiseGradCtx& c, const float* x, const float* dy, float* dw, int64_t rows) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[NT];
    int64_t off[NT];
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) acc[t] = V::load(dw + t * L), off[t] = c.tap_offsets[t];
    for (int64_t r = 0; r < rows; ++r) {
        const float* xp = x + r * c.x_row_stride;
        const float* dp = dy + r * c.dy_row_stride;
        for (int64_t o = 0; o < c.ow; ++o, xp += c.x_col_stride, dp += L) {
            R d = V::load(dp);
            V::in_register(d);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) acc[t] = V::fma(V::load(xp + off[t]), d, acc[t]);
        }
    }
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) V::store(dw + t * L, acc[t]);
}

// Backward weights over `rows` output rows: dw[tap][i][oc lanes] for RH
// input channels of one block at one tap and NB blocks of output channels,
// held in NB*RH registers while each pixel's NB dy vectors feed RH FMAs each
// with broadcast inputs: NB + RH loads per NB*RH FMAs. `first` starts the
// sums at zero instead of the dw already there. XS: x is NCHW (a 1x1 problem
// without padding reads it in place), its channels x_chan_stride apart.
struct GradCtx {
    int64_t x_row_stride = 0, x_col_stride = 0;  // floats between the input pixels of consecutive rows / columns
    int64_t dy_row_stride = 0;
    int64_t ow = 0;
    int64_t dy_blk_stride = 0, dw_blk_stride = 0;  // between the NB blocks of dy and of dw
    int64_t x_chan_stride = 0;                     // XS: floats between input channels (NCHW x)
};
using GradFn = void (*)(const GradCtx&, const float* x, const float* dy, float* dw, int64_t rows, bool first);

template <class V, int NB, int RH, bool XS>
void weights_grad_tile(const GradCtx& c, const float* x, const float* dy, float* dw, int64_t rows, bool first) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[NB][RH];
#pragma GCC unroll 4
    for (int b = 0; b < NB; ++b)
#pragma GCC unroll 16
        for (int i = 0; i < RH; ++i) acc[b][i] = first ? V::zero() : V::load(dw + b * c.dw_blk_stride + i * L);
    for (int64_t r = 0; r < rows; ++r) {
        const float* xp = x + r * c.x_row_stride;
        const float* dp = dy + r * c.dy_row_stride;
        for (int64_t o = 0; o < c.ow; ++o, xp += c.x_col_stride, dp += L) {
            R d[NB];
#pragma GCC unroll 4
            for (int b = 0; b < NB; ++b) {
                d[b] = V::load(dp + b * c.dy_blk_stride);
                if constexpr (NB > 1) V::in_register(d[b]);
            }
#pragma GCC unroll 16
            for (int i = 0; i < RH; ++i) {
                const R xv = V::set1(xp[XS ? i * c.x_chan_stride : i]);
#pragma GCC unroll 4
                for (int b = 0; b < NB; ++b) acc[b][i] = V::fma(xv, d[b], acc[b][i]);
            }
        }
    }
#pragma GCC unroll 4
    for (int b = 0; b < NB; ++b)
#pragma GCC unroll 16
        for (int i = 0; i < RH; ++i) V::store(dw + b * c.dw_blk_stride + i * L, acc[b][i]);
}

}  // namespace convlab::direct
