// The Winograd kernels (winograd_kernels.hpp) written once over a register
// type V. Include this header only after `#pragma GCC target(...)` for V's
// ISA, in the one file that defines V (winograd_kernels_avx512.cpp, ...): V
// lives in that file's unnamed namespace, so every instantiation here is that
// file's own and compiled for its ISA.
//
// V has: reg, a vector type (+, -, * act lane by lane); channels (channels
// per register: 8 tiles each) and lanes (floats per register); zero, set1,
// fma(a, b, c) = a b + c; load / store of a whole register; join (one 8-tile vector per
// channel), load_parts / store_parts (8 floats per channel, channels
// `stride` apart); gather (p[stride * l] for each lane l).
#pragma once

#include <cstdint>
#include <string_view>

#include "algorithms/common/simd.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_kernels.hpp"

namespace convlab {

namespace {

// sum_c row[c] x[c * stride]. Inlined into loops the compiler unrolls, the
// coefficients are constants: zeros vanish, +-1 become adds and subtracts.
template <class V, int C>
[[gnu::always_inline]] inline typename V::reg combine(const double (&row)[C], const typename V::reg* x, int stride) {
    typename V::reg sum = V::zero();
    bool first = true;
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) {
        const float k = float(row[c]);
        if (k == 0.0f) continue;
        const typename V::reg t = x[c * stride];
        if (first)
            sum = k == 1.0f ? t : k == -1.0f ? -t : V::set1(k) * t;
        else
            sum = k == 1.0f ? sum + t : k == -1.0f ? sum - t : V::fma(V::set1(k), t, sum);
        first = false;
    }
    return sum;
}

// out = M in M^T on registers: in is C x C, out R x R.
template <class V, int R, int C>
[[gnu::always_inline]] inline void sandwich_regs(const Matrix<R, C>& M, const typename V::reg (&in)[C][C],
                                                 typename V::reg (&out)[R][R]) {
    typename V::reg half[R][C];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 8
        for (int j = 0; j < C; ++j) half[r][j] = combine<V, C>(M.v[r], &in[0][j], C);
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i)
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) out[i][r] = combine<V, C>(M.v[r], &half[i][0], 1);
}

// M d M^T of V::channels lane groups of K x K windows (input: M = B^T, K =
// alpha; dy blocks of the weight gradient: M = A, K = m).
template <class V, class Tile, int A, int K>
[[gnu::always_inline]] inline void tile_transform(const Matrix<A, K>& M, const float* const* rows, float* dst,
                                                  int64_t xi_stride, int64_t channel_stride) {
    using reg = typename V::reg;
    reg d[K][K], v[A][A];
#pragma GCC unroll 8
    for (int i = 0; i < K; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < K; ++j) {
            Lanes<8> parts[V::channels];
            for (int p = 0; p < V::channels; ++p) parts[p] = strided_lanes<Tile::m>(rows[p * K + i] + j);
            d[i][j] = V::join(parts);
        }
    sandwich_regs<V>(M, d, v);
#pragma GCC unroll 8
    for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < A; ++j) V::store_parts(dst + (i * A + j) * xi_stride, channel_stride, v[i][j]);
}

template <class V, class Tile>
void input_kernel(const float* const* rows, float* dst, int64_t xi_stride, int64_t channel_stride) {
    tile_transform<V, Tile>(Tile::BT, rows, dst, xi_stride, channel_stride);
}

template <class Tile>
inline constexpr auto a_matrix = transposed(Tile::AT);  // alpha x m
template <class Tile>
inline constexpr auto g_transposed = transposed(Tile::G);  // 3 x alpha

template <class V, class Tile>
void dy_kernel(const float* const* rows, float* dst, int64_t xi_stride, int64_t channel_stride) {
    tile_transform<V, Tile>(a_matrix<Tile>, rows, dst, xi_stride, channel_stride);
}

template <class V, class Tile>
void output_kernel(const float* src, int64_t xi_stride, int64_t channel_stride, float* out) {
    constexpr int A = Tile::alpha, Mo = Tile::m;
    using reg = typename V::reg;
    reg m[A][A], o[Mo][Mo];
#pragma GCC unroll 8
    for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < A; ++j) m[i][j] = V::load_parts(src + (i * A + j) * xi_stride, channel_stride);
    sandwich_regs<V>(Tile::AT, m, o);
#pragma GCC unroll 8
    for (int i = 0; i < Mo; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < Mo; ++j) V::store_parts(out + (i * Mo + j) * 8, Mo * Mo * 8, o[i][j]);
}

// rotated: tap k of each filter is its tap 8 - k (the 180-degree rotation
// backward data convolves with).
template <class V, class Tile, bool rotated>
void filter_kernel(const float* src, int64_t lane_stride, int64_t plane, float* dst) {
    constexpr int A = Tile::alpha;
    using reg = typename V::reg;
    reg g[3][3], u[A][A];
    for (int k = 0; k < 9; ++k) g[k / 3][k % 3] = V::gather(src + (rotated ? 8 - k : k), lane_stride);
    sandwich_regs<V>(Tile::G, g, u);
#pragma GCC unroll 8
    for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < A; ++j) V::store(dst + (i * A + j) * plane, u[i][j]);
}

template <class V, class Tile>
void gradient_kernel(const float* src, int64_t plane, float* dst) {
    constexpr int A = Tile::alpha;
    using reg = typename V::reg;
    reg m[A][A], t[3][3];
#pragma GCC unroll 8
    for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < A; ++j) m[i][j] = V::load(src + (i * A + j) * plane);
    sandwich_regs<V>(g_transposed<Tile>, m, t);
    // Tap-major in registers, filter-major in dw: through a small buffer
    // (scalar reads of whole-vector stores forward).
    alignas(64) float taps[9][V::lanes];
    for (int k = 0; k < 9; ++k) V::store(taps[k], t[k / 3][k % 3]);
    for (int l = 0; l < V::lanes; ++l)
        for (int k = 0; k < 9; ++k) dst[l * 9 + k] = taps[k][l];
}

template <class V, class Tile>
WinogradKernels kernels_of(std::string_view isa) {
    WinogradKernels k;
    k.isa = isa;
    k.channels = V::channels;
    k.lanes = V::lanes;
    k.input = input_kernel<V, Tile>;
    k.dy = dy_kernel<V, Tile>;
    k.output = output_kernel<V, Tile>;
    k.filter = filter_kernel<V, Tile, false>;
    k.filter_rotated = filter_kernel<V, Tile, true>;
    k.gradient = gradient_kernel<V, Tile>;
    return k;
}

}  // namespace

}  // namespace convlab
