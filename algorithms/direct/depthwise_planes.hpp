// Depthwise forward on NCHW planes, over one ISA's vector type V: each
// thread copies one channel's plane into a zero-padded buffer whose columns
// are split by stride phase (DepthwisePlanes in plan.hpp), so that every tap
// reads whole vectors of consecutive outputs; the tap's weight is broadcast.
// No layout conversion of x or y. Included after the ISA's target pragma.
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

template <class V>
void run_depthwise_planes(const Plan& plan, const ConvArgs& a) {
    constexpr int L = V::lanes, most = 8;  // output vectors per call
    const Problem& p = plan.p;
    const DepthwisePlanes& dp = plan.planes;
    const int64_t taps = p.kh * p.kw, vectors = (p.ow + L - 1) / L, tail = p.ow % L;
    const int64_t phase_row = dp.phase_w, row = p.sw * phase_row;  // floats per padded input row
    std::vector<int64_t> offsets(taps);
    for (int64_t t = 0; t < taps; ++t) {
        const int64_t col = (t % p.kw) * (p.dw + 1);
        offsets[t] = (t / p.kw) * (p.dh + 1) * row + col % p.sw * phase_row + col / p.sw;
    }
    float* buffers = reinterpret_cast<float*>(a.workspace) + plan.off_in;
#pragma omp parallel for num_threads(plan.threads) schedule(static)
    for (int64_t nc = 0; nc < p.mb * p.ic; ++nc) {
        float* buf = buffers + omp_get_thread_num() * dp.buffer_floats;
        const int64_t c = nc % p.ic;
        const float* x = a.x + nc * p.ih * p.iw;
        std::memset(buf, 0, sizeof(float) * dp.buffer_floats);
        for (int64_t r = 0; r < dp.rows; ++r) {
            const int64_t ih = r - p.ph;
            if (ih < 0 || ih >= p.ih) continue;
            const float* in = x + ih * p.iw;
            for (int64_t phase = 0; phase < p.sw; ++phase) {
                // Index j of the phase is padded column j*sw + phase, input column j*sw + phase - pw.
                float* out = buf + r * row + phase * phase_row;
                const int64_t first = std::max<int64_t>(0, (p.pw - phase + p.sw - 1) / p.sw);
                const int64_t last = std::min<int64_t>(phase_row, (p.iw - 1 + p.pw - phase) / p.sw + 1);
                for (int64_t j = first; j < last; ++j) out[j] = in[j * p.sw + phase - p.pw];
            }
        }
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

}  // namespace convlab::direct
