// stride_view's weight-gradient contraction (see stride_view_bwd_w.hpp): its
// own kernel, blocked over (output channel, (channel, tap) pairs) rather than
// the forward pass's (output channel, output row) tiles, so kept apart from
// the forward kernel in stride_view.cpp.
#include "algorithms/stride_view/stride_view_bwd_w.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "algorithms/common/simd.hpp"

namespace convlab {

namespace {

// Output channels per work item of the weight gradient.
constexpr int oc_block = 4;

// (channel, tap) pairs per weight-gradient work item: the item's rows of dy
// are read from memory once per (n, oh) and reused from L1 by every pair of
// the chunk (all nine taps of a 3x3 kernel, nine channels of a 1x1 one).
constexpr int tap_chunk = 9;

// dw[oc0 + o][k] for o < OCB and k = (c, kh, kw) flattened within the group
// in [k0, k0 + count): the view at channel c and those taps contracted with
// dy over (n, oh, ow). Lanes of partial sums run along ow and are added up in
// a fixed order at the end: deterministic, and independent of the thread count.
template <int OCB, int SW>
void weight_grad_taps(const Problem& p, const WindowView& view, const float* dy, int64_t oc0, int64_t c0,
                      int64_t k0, int64_t count, float* out, int64_t out_stride) {
    constexpr int L = native_lanes;
    const int64_t step = p.sw;
    const int64_t plane = p.oh * p.ow, taps = p.kh * p.kw;
    Lanes<L> acc[OCB][tap_chunk];
    for (auto& row : acc)
        for (auto& lanes : row) lanes = Lanes<L>{};
    float tail[OCB][tap_chunk] = {};
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oh = 0; oh < p.oh; ++oh) {
            const float* d = dy + ((n * p.oc + oc0) * p.oh + oh) * p.ow;
            for (int64_t t = 0; t < count; ++t) {
                const int64_t k = k0 + t, tap = k % taps;
                const float* row = view.at(n, c0 + k / taps, oh, 0, tap / p.kw, tap % p.kw);
                int64_t x = 0;
                for (; x + L <= p.ow; x += L) {
                    const Lanes<L> in = load_strided_row<L, SW>(row + x * step, step);
                    for (int o = 0; o < OCB; ++o) {
                        acc[o][t] += load_lanes<L>(d + o * plane + x) * in;
                    }
                }
                for (; x < p.ow; ++x)
                    for (int o = 0; o < OCB; ++o) tail[o][t] = std::fma(d[o * plane + x], row[x * step], tail[o][t]);
            }
        }
    for (int o = 0; o < OCB; ++o)
        for (int64_t t = 0; t < count; ++t) {
            float sum = tail[o][t];
            for (int l = 0; l < L; ++l) sum += acc[o][t][l];
            out[o * out_stride + t] = sum;
        }
}

template <int SW>
void weight_grad_taps_of_channels(int64_t channels, const Problem& p, const WindowView& view, const float* dy,
                                  int64_t oc0, int64_t c0, int64_t k0, int64_t count, float* out,
                                  int64_t out_stride) {
    switch (channels) {
        case 4: return weight_grad_taps<4, SW>(p, view, dy, oc0, c0, k0, count, out, out_stride);
        case 3: return weight_grad_taps<3, SW>(p, view, dy, oc0, c0, k0, count, out, out_stride);
        case 2: return weight_grad_taps<2, SW>(p, view, dy, oc0, c0, k0, count, out, out_stride);
        default: return weight_grad_taps<1, SW>(p, view, dy, oc0, c0, k0, count, out, out_stride);
    }
}

}  // namespace

// Work items (group, oc block, chunk of (channel, tap) pairs), each owning whole dw elements.
void stride_view_contract_weight_grad(const Problem& p, const WindowView& view, const float* dy, float* dw) {
    const int64_t icg = p.icg(), ocg = p.ocg();
    const int64_t blocks = (ocg + oc_block - 1) / oc_block;
    const int64_t pairs = icg * p.kh * p.kw, chunks = (pairs + tap_chunk - 1) / tap_chunk;
    const int64_t items = p.g * blocks * chunks;
#pragma omp parallel for schedule(static)
    for (int64_t item = 0; item < items; ++item) {
        const int64_t chunk = item % chunks, group_block = item / chunks, group = group_block / blocks;
        const int64_t oc0 = group * ocg + group_block % blocks * oc_block;
        const int64_t channels = std::min<int64_t>(oc_block, (group + 1) * ocg - oc0);
        const int64_t k0 = chunk * tap_chunk, count = std::min<int64_t>(tap_chunk, pairs - k0);
        float* out = dw + oc0 * pairs + k0;  // dw[oc][c][kh][kw] is dw[oc][k]
        const int64_t c0 = group * icg;
        switch (p.sw) {
            case 1: weight_grad_taps_of_channels<1>(channels, p, view, dy, oc0, c0, k0, count, out, pairs); break;
            case 2: weight_grad_taps_of_channels<2>(channels, p, view, dy, oc0, c0, k0, count, out, pairs); break;
            default: weight_grad_taps_of_channels<0>(channels, p, view, dy, oc0, c0, k0, count, out, pairs); break;
        }
    }
}

}  // namespace convlab
