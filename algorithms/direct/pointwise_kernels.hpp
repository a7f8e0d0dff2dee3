// The 1x1 fast path's micro-kernels over a vector type V, on NCHW directly:
// a 1x1 convolution of one image is the matrix product Y (rows x P) = W (rows
// x K) . X (K x P) over its P pixels, so the pixels are the lanes, input and
// output stay in their own layout, and only the weights are packed. Included
// after an ISA's target pragma, like kernels.hpp.
#pragma once

#include <cstdint>
#include <type_traits>

namespace convlab::direct {

using GemmFn = void (*)(const float* w, const float* x, int64_t k, int64_t x_stride, const float* bias, float* y,
                        int64_t y_stride, int64_t tail);

// MR rows x NV pixel vectors: w is [k][MR] (packed), x [k][x_stride] at the
// tile's first pixel, y [MR][y_stride]. With TAIL the last vector holds only
// `tail` pixels (masked loads and stores: nothing past the row is touched).
template <class V, int MR, int NV, bool TAIL>
void gemm_tile(const float* w, const float* x, int64_t k, int64_t x_stride, const float* bias, float* y,
               int64_t y_stride, int64_t tail) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[MR][NV];
#pragma GCC unroll 8
    for (int m = 0; m < MR; ++m) {
        const R init = bias ? V::set1(bias[m]) : V::zero();
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[m][v] = init;
    }
    for (int64_t i = 0; i < k; ++i, x += x_stride, w += MR) {
        R xv[NV];
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v)
            xv[v] = TAIL && v == NV - 1 ? V::load_tail(x + v * L, tail) : V::load(x + v * L);
#pragma GCC unroll 8
        for (int m = 0; m < MR; ++m) {
            const R wb = V::set1(w[m]);
#pragma GCC unroll 4
            for (int v = 0; v < NV; ++v) acc[m][v] = V::fma(wb, xv[v], acc[m][v]);
        }
    }
#pragma GCC unroll 8
    for (int m = 0; m < MR; ++m)
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) {
            float* out = y + m * y_stride + v * L;
            if (TAIL && v == NV - 1) V::store_tail(out, acc[m][v], tail);
            else V::store(out, acc[m][v]);
        }
}

}  // namespace convlab::direct

namespace convlab::direct {

// Backward weights of a 1x1 problem: dW (rows x cols) += dY . X^T over the
// pixels, the pixels in the lanes. MR dy rows x NI x rows of vector partial
// sums stay in registers over `images` images of `vectors` pixel vectors
// (the last one `tail` pixels when tail > 0), then each is summed across its
// lanes (in a fixed order) into dw[m * dw_stride + i].
struct GradTileArgs {
    const float* dy = nullptr;
    const float* x = nullptr;
    int64_t dy_row = 0, x_row = 0;      // floats between channel rows
    int64_t dy_image = 0, x_image = 0;  // floats between images
    int64_t images = 0, vectors = 0, tail = 0;
    float* dw = nullptr;
    int64_t dw_stride = 0;
};
using GradTileFn = void (*)(const GradTileArgs&);

template <class V, int MR, int NI>
void grad_tile(const GradTileArgs& a) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[MR][NI];
#pragma GCC unroll 4
    for (int m = 0; m < MR; ++m)
#pragma GCC unroll 6
        for (int i = 0; i < NI; ++i) acc[m][i] = V::zero();
    auto step = [&](const float* dy, const float* x, auto masked) {
        R d[MR];
#pragma GCC unroll 4
        for (int m = 0; m < MR; ++m) {
            d[m] = masked ? V::load_tail(dy + m * a.dy_row, a.tail) : V::load(dy + m * a.dy_row);
            V::in_register(d[m]);
        }
#pragma GCC unroll 6
        for (int i = 0; i < NI; ++i) {
            R xv = masked ? V::load_tail(x + i * a.x_row, a.tail) : V::load(x + i * a.x_row);
            V::in_register(xv);  // one load for MR FMAs, not a memory operand in each
#pragma GCC unroll 4
            for (int m = 0; m < MR; ++m) acc[m][i] = V::fma(d[m], xv, acc[m][i]);
        }
    };
    const int64_t full = a.tail ? a.vectors - 1 : a.vectors;
    for (int64_t n = 0; n < a.images; ++n) {
        const float* dy = a.dy + n * a.dy_image;
        const float* x = a.x + n * a.x_image;
        for (int64_t v = 0; v < full; ++v) step(dy + v * L, x + v * L, std::false_type{});
        if (a.tail) step(dy + full * L, x + full * L, std::true_type{});
    }
#pragma GCC unroll 4
    for (int m = 0; m < MR; ++m)
#pragma GCC unroll 6
        for (int i = 0; i < NI; ++i) a.dw[m * a.dw_stride + i] += V::hsum(acc[m][i]);
}

}  // namespace convlab::direct
