// The 1x1 fast path's micro-kernels over a vector type V, on NCHW directly:
// a 1x1 convolution of one image is the matrix product Y (rows x P) = W (rows
// x K) . X (K x P) over its P pixels, so the pixels are the lanes, input and
// output stay in their own layout, and only the weights are packed. Included
// after an ISA's target pragma, like kernels.hpp.
#pragma once

#include <cstdint>

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
