// The Winograd transforms' inner kernels, one set per ISA, on the direct
// engine's SIMD layer (direct/vector_avx512.hpp, vector_avx2.hpp) and chosen
// at run time like its kernels (direct::chosen_isa: CONVLAB_ISA or the widest
// the CPU has), with a portable set compiled for the build's target.
//
// Each kernel transforms whole tiles held in registers: one register holds
// a lane group of 8 tiles of `channels` channels (two on AVX-512, one zmm;
// one on AVX2 and portable), or, for the filter and gradient transforms,
// `lanes` consecutive input channels of one filter. The engines
// (winograd_conv.cpp, winograd_bwd_w.cpp) keep the loops over blocks,
// channels and lane groups, the staging of padded rows and the scatter.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "algorithms/machine.hpp"

namespace convlab {

// rows[p * K + i]: input row i of channel p's lane group (WindowRows::row;
// lane l's window starts m * l elements in). The alpha^2 results of channel
// p go to dst + xi * xi_stride + p * channel_stride, 8 floats each.
using TileTransformFn = void (*)(const float* const* rows, float* dst, int64_t xi_stride, int64_t channel_stride);
// The alpha^2 GEMM results of channel p's lane group at src + xi * xi_stride
// + p * channel_stride (8 floats each) to out[p][i][j][8], i, j < m.
using OutputTransformFn = void (*)(const float* src, int64_t xi_stride, int64_t channel_stride, float* out);
// `lanes` filters' 3x3 taps (src[l * lane_stride + k]) to G g G^T at
// dst[xi * plane + l].
using FilterTransformFn = void (*)(const float* src, int64_t lane_stride, int64_t plane, float* dst);
// Back: `lanes` columns of the transformed weight gradient (src[xi * plane +
// l]) to G^T . G at dst[l * 9 + k].
using GradientTransformFn = void (*)(const float* src, int64_t plane, float* dst);

struct WinogradKernels {
    std::string_view isa;
    int channels = 1;  // channels per input / output call
    int lanes = 8;     // filters per filter / gradient call
    TileTransformFn input = nullptr;     // B^T d B, K = alpha rows
    TileTransformFn dy = nullptr;        // A e A^T of an m x m dy block (bwd_w), K = m rows
    OutputTransformFn output = nullptr;  // A^T M A
    FilterTransformFn filter = nullptr;          // G g G^T
    FilterTransformFn filter_rotated = nullptr;  // G rot180(g) G^T: taps read in reverse (backward data)
    GradientTransformFn gradient = nullptr;      // G^T dW G
};

// The kernels of `isa` for Tile (TileF2x3, TileF4x3, TileF6x3).
template <class Tile>
WinogradKernels winograd_kernels(Isa isa);

// Most filters per filter / gradient call (AVX-512's 16).
inline constexpr int max_kernel_lanes = 16;

// `filter` (kernels.filter or filter_rotated) on `lanes` <= kernels.lanes
// filters: the last, partial call of a channel loop goes through zero-padded
// copies.
template <class Tile>
void transform_filters(const WinogradKernels& kernels, FilterTransformFn filter, const float* src, int64_t lane_stride,
                       int lanes, int64_t plane, float* dst) {
    if (lanes == kernels.lanes) return filter(src, lane_stride, plane, dst);
    constexpr int A2 = Tile::alpha * Tile::alpha;
    float in[max_kernel_lanes * 9] = {}, out[A2][max_kernel_lanes];
    for (int l = 0; l < lanes; ++l) std::copy(src + l * lane_stride, src + l * lane_stride + 9, in + l * 9);
    filter(in, 9, max_kernel_lanes, &out[0][0]);
    for (int xi = 0; xi < A2; ++xi) std::copy(out[xi], out[xi] + lanes, dst + xi * plane);
}

// kernels.gradient on `lanes` <= kernels.lanes columns, likewise.
template <class Tile>
void transform_gradients(const WinogradKernels& kernels, const float* src, int lanes, int64_t plane, float* dst) {
    if (lanes == kernels.lanes) return kernels.gradient(src, plane, dst);
    constexpr int A2 = Tile::alpha * Tile::alpha;
    float in[A2][max_kernel_lanes] = {}, out[max_kernel_lanes * 9];
    for (int xi = 0; xi < A2; ++xi) std::copy(src + xi * plane, src + xi * plane + lanes, in[xi]);
    kernels.gradient(&in[0][0], max_kernel_lanes, out);
    std::copy(out, out + lanes * 9, dst);
}

template <class Tile>
WinogradKernels winograd_kernels_avx512();
template <class Tile>
WinogradKernels winograd_kernels_avx2();
template <class Tile>
WinogradKernels winograd_kernels_portable();

}  // namespace convlab
