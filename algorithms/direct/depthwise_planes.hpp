// Depthwise forward and backward weights on NCHW planes, over one ISA's
// vector type V: each thread copies one channel's plane of x into a
// zero-padded buffer whose columns are split by stride phase
// (DepthwisePlanes in plan.hpp), so that every tap reads whole vectors of
// consecutive outputs. Forward broadcasts the tap's weight; backward weights
// multiplies each tap's vector by the same vector of dy. No layout conversion
// of x, y or dy. Included after the ISA's target pragma.
#pragma once

#include <omp.h>

#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

using PlaneRowFn = void (*)(const float* buf, const int64_t* offsets, const float* w, int64_t taps, float bias,
                            float* out, int64_t in_step, int64_t out_step, int64_t tail, bool tail_each);

// NVB output vectors, vector v reading from buf + v * in_step and writing to
// out + v * out_step (consecutive vectors of a row, or one vector for each of
// NVB rows narrower than a vector); offsets[t] is tap t's first input. The
// last vector (every vector with tail_each) holds only `tail` outputs when
// tail > 0.
template <class V, int NVB>
void depthwise_plane_row(const float* buf, const int64_t* offsets, const float* w, int64_t taps, float bias, float* out,
                         int64_t in_step, int64_t out_step, int64_t tail, bool tail_each) {
    using R = typename V::reg;
    R acc[NVB];
#pragma GCC unroll 8
    for (int v = 0; v < NVB; ++v) acc[v] = V::set1(bias);
    for (int64_t t = 0; t < taps; ++t) {
        R wv = V::set1(w[t]);
        V::in_register(wv);
        const float* in = buf + offsets[t];
#pragma GCC unroll 8
        for (int v = 0; v < NVB; ++v) acc[v] = V::fma(V::load(in + v * in_step), wv, acc[v]);
    }
#pragma GCC unroll 8
    for (int v = 0; v < NVB; ++v) {
        if (tail && (tail_each || v == NVB - 1)) V::store_tail(out + v * out_step, acc[v], tail);
        else V::store(out + v * out_step, acc[v]);
    }
}

template <class V, size_t... I>
PlaneRowFn plane_row_fn(int nvb, std::index_sequence<I...>) {
    PlaneRowFn fn = nullptr;
    ((nvb == int(I) + 1 ? (fn = &depthwise_plane_row<V, int(I) + 1>) : fn), ...);
    return fn;
}

// One channel's plane of x into the zero-padded buffer, split by stride phase.
inline void pad_plane(const float* x, const Problem& p, const DepthwisePlanes& dp, float* buf) {
    const int64_t phase_row = dp.stride_phase_cols, row = p.sw * phase_row;
    std::memset(buf, 0, sizeof(float) * dp.buffer_floats);
    for (int64_t r = 0; r < dp.rows; ++r) {
        const int64_t ih = r - p.ph;
        if (ih < 0 || ih >= p.ih) continue;
        const float* in = x + ih * p.iw;
        for (int64_t phase = 0; phase < p.sw; ++phase) {
            // Index j of stride phase `phase` is padded column j*sw + phase, input column j*sw + phase - pw.
            float* out = buf + r * row + phase * phase_row;
            const int64_t first = std::max<int64_t>(0, (p.pw - phase + p.sw - 1) / p.sw);
            const int64_t last = std::min<int64_t>(phase_row, (p.iw - 1 + p.pw - phase) / p.sw + 1);
            for (int64_t j = first; j < last; ++j) out[j] = in[j * p.sw + phase - p.pw];
        }
    }
}

// Where each tap's first input sits in the buffer.
inline std::vector<int64_t> plane_tap_offsets(const Problem& p, const DepthwisePlanes& dp) {
    const int64_t phase_row = dp.stride_phase_cols, row = p.sw * phase_row;
    std::vector<int64_t> offsets(p.kh * p.kw);
    for (int64_t t = 0; t < p.kh * p.kw; ++t) {
        const int64_t col = (t % p.kw) * (p.dw + 1);
        offsets[t] = (t / p.kw) * (p.dh + 1) * row + col % p.sw * phase_row + col / p.sw;
    }
    return offsets;
}

template <class V>
void run_depthwise_planes(const Plan& plan, const DepthwisePlanes& dp, const ConvArgs& a) {
    constexpr int L = V::lanes, most = 8;  // output vectors per call
    const Problem& p = plan.p;
    const int64_t taps = p.kh * p.kw, vectors = (p.ow + L - 1) / L, tail = p.ow % L;
    const int64_t row = p.sw * dp.stride_phase_cols;  // floats per padded input row
    const std::vector<int64_t> offsets = plane_tap_offsets(p, dp);
    float* buffers = reinterpret_cast<float*>(a.workspace) + plan.off_in;
#pragma omp parallel for num_threads(plan.threads) schedule(static)
    for (int64_t nc = 0; nc < p.mb * p.ic; ++nc) {
        float* buf = buffers + omp_get_thread_num() * dp.buffer_floats;
        const int64_t c = nc % p.ic;
        const float* x = a.x + nc * p.ih * p.iw;
        pad_plane(x, p, dp, buf);
        const float* w = a.w + c * taps;
        const float bias = a.b ? a.b[c] : 0.0f;
        float* y = a.y + nc * p.oh * p.ow;
        if (vectors == 1) {  // rows narrower than a vector: one vector per row, several rows per call
            for (int64_t oh0 = 0; oh0 < p.oh; oh0 += most) {
                const int nvb = int(std::min<int64_t>(most, p.oh - oh0));
                plane_row_fn<V>(nvb, std::make_index_sequence<most>())(buf + oh0 * p.sh * row, offsets.data(), w, taps,
                                                                        bias, y + oh0 * p.ow, p.sh * row, p.ow, tail,
                                                                        true);
            }
            continue;
        }
        for (int64_t oh = 0; oh < p.oh; ++oh)
            for (int64_t v0 = 0; v0 < vectors; v0 += most) {
                const int nvb = int(std::min<int64_t>(most, vectors - v0));
                const bool last = v0 + nvb == vectors;
                plane_row_fn<V>(nvb, std::make_index_sequence<most>())(buf + oh * p.sh * row + v0 * L, offsets.data(),
                                                                        w, taps, bias, y + oh * p.ow + v0 * L, L, L,
                                                                        last ? tail : 0, false);
            }
    }
}

// Backward weights over one plane: NT taps' sums in registers, lane l of
// each the sum over the outputs in column l of a vector; each dy vector (the
// tail's masked, as are its inputs, so that nothing past the row counts)
// multiplies the input vector under each tap.
using PlaneGradFn = void (*)(const float* buf, const int64_t* offsets, const float* dy, int64_t rows,
                             int64_t row_stride, int64_t ow, float* sums);

template <class V, int NT>
void depthwise_plane_grad(const float* buf, const int64_t* offsets, const float* dy, int64_t rows, int64_t row_stride,
                          int64_t ow, float* sums) {
    using R = typename V::reg;
    constexpr int L = V::lanes;
    R acc[NT];
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) acc[t] = V::load(sums + t * L);
    const int64_t full = ow / L * L, tail = ow - full;
    for (int64_t r = 0; r < rows; ++r) {
        const float* in = buf + r * row_stride;
        const float* d = dy + r * ow;
        for (int64_t v = 0; v < full; v += L) {
            R dv = V::load(d + v);
            V::in_register(dv);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) acc[t] = V::fma(V::load(in + offsets[t] + v), dv, acc[t]);
        }
        if (tail) {
            R dv = V::load_tail(d + full, tail);
            V::in_register(dv);
#pragma GCC unroll 16
            for (int t = 0; t < NT; ++t) acc[t] = V::fma(V::load_tail(in + offsets[t] + full, tail), dv, acc[t]);
        }
    }
#pragma GCC unroll 16
    for (int t = 0; t < NT; ++t) V::store(sums + t * L, acc[t]);
}

template <class V, size_t... I>
PlaneGradFn plane_grad_fn(int64_t taps, std::index_sequence<I...>) {
    PlaneGradFn fn = nullptr;
    ((taps == int64_t(I) + 1 ? (fn = &depthwise_plane_grad<V, int(I) + 1>) : fn), ...);
    return fn;
}

// Each thread owns whole channels and sums each over images, rows and
// columns (per lane, the lanes added at the end) in that order: the result
// does not depend on the thread count.
template <class V>
void run_depthwise_planes_grad(const Plan& plan, const DepthwisePlanes& dp, const ConvArgs& a) {
    constexpr int L = V::lanes, most = 12;  // taps per pass: sums in registers
    const Problem& p = plan.p;
    const int64_t taps = p.kh * p.kw, row = p.sw * dp.stride_phase_cols;
    const std::vector<int64_t> offsets = plane_tap_offsets(p, dp);
    float* buffers = reinterpret_cast<float*>(a.workspace) + plan.off_in;
    const int64_t per_thread = dp.buffer_floats + (taps * L + 15) / 16 * 16;
#pragma omp parallel for num_threads(plan.threads) schedule(static)
    for (int64_t c = 0; c < p.ic; ++c) {
        float* buf = buffers + omp_get_thread_num() * per_thread;
        float* sums = buf + dp.buffer_floats;
        std::memset(sums, 0, sizeof(float) * taps * L);
        for (int64_t n = 0; n < p.mb; ++n) {
            pad_plane(a.x + (n * p.ic + c) * p.ih * p.iw, p, dp, buf);
            const float* dy = a.dy + (n * p.oc + c) * p.oh * p.ow;
            for (int64_t t0 = 0; t0 < taps; t0 += most) {
                const int64_t count = std::min<int64_t>(most, taps - t0);
                plane_grad_fn<V>(count, std::make_index_sequence<most>())(buf, offsets.data() + t0, dy, p.oh,
                                                                          p.sh * row, p.ow, sums + t0 * L);
            }
        }
        for (int64_t t = 0; t < taps; ++t) a.dw[c * taps + t] = V::hsum(V::load(sums + t * L));
    }
}

}  // namespace convlab::direct
