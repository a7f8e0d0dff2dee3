#include "algorithms/direct/reorders.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "algorithms/layout.hpp"

namespace convlab::direct {

namespace {

// Each tap's offset from its (oc, ic) weight: kh and kw strided on their own,
// since a weight layout need not keep a tap's two axes together.
std::vector<int64_t> tap_offsets(const Problem& p, const Strides& ws) {
    std::vector<int64_t> offsets(p.kh * p.kw);
    for (int64_t t = 0; t < p.kh * p.kw; ++t) offsets[t] = t / p.kw * ws[2] + t % p.kw * ws[3];
    return offsets;
}

}  // namespace

Strides activation_strides(const Plan& plan, int64_t channels, int64_t h, int64_t w) {
    return strides_in({plan.p.mb, channels, h, w}, axis_order(plan.layout.activations));
}

Strides weight_strides(const Plan& plan) { return strides_in(plan.p.w_dims(), axis_order(plan.layout.weights)); }

void to_blocked(const float* src, const Strides& s, int64_t batch, int64_t groups, int64_t src_h, int64_t src_w,
                const Blocked& b, float* dst, int threads) {
    const int64_t row_floats = b.w * b.blk;
    const int64_t col0 = std::max<int64_t>(0, b.left), col1 = std::min(b.w, b.left + src_w);
    const int64_t planes = batch * groups * b.blocks;
    const bool channels_inner = s[1] < s[3];  // NHWC: a pixel's channels are contiguous
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t plane = 0; plane < planes; ++plane)
        for (int64_t r = 0; r < b.h; ++r) {
            const int64_t n = plane / (groups * b.blocks), grp = plane / b.blocks % groups, blk = plane % b.blocks;
            float* out = dst + plane * b.plane() + r * row_floats;
            const int64_t sr = r - b.top;
            std::memset(out, 0, sizeof(float) * row_floats);
            if (sr < 0 || sr >= src_h) continue;
            const int64_t lanes = std::min(b.blk, b.channels - blk * b.blk);
            const float* in = src + n * s[0] + (grp * b.channels + blk * b.blk) * s[1] + sr * s[2] - b.left * s[3];
            if (channels_inner) {
                for (int64_t c = col0; c < col1; ++c)
                    for (int64_t l = 0; l < lanes; ++l) out[c * b.blk + l] = in[c * s[3] + l * s[1]];
            } else {
                for (int64_t l = 0; l < lanes; ++l)
                    for (int64_t c = col0; c < col1; ++c) out[c * b.blk + l] = in[l * s[1] + c * s[3]];
            }
        }
}

void from_blocked(const float* src, int64_t batch, int64_t groups, int64_t dst_h, int64_t dst_w, const Blocked& b,
                  float* dst, const Strides& s, int threads) {
    const int64_t planes = batch * groups * b.blocks;
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t plane = 0; plane < planes; ++plane)
        for (int64_t r = 0; r < dst_h; ++r) {
            const int64_t n = plane / (groups * b.blocks), grp = plane / b.blocks % groups, blk = plane % b.blocks;
            const float* in = src + plane * b.plane() + r * b.w * b.blk;
            const int64_t lanes = std::min(b.blk, b.channels - blk * b.blk);
            float* out = dst + n * s[0] + (grp * b.channels + blk * b.blk) * s[1] + r * s[2];
            if (s[1] < s[3]) {  // NHWC: a pixel's lanes are contiguous channels
                for (int64_t c = 0; c < dst_w; ++c)
                    for (int64_t l = 0; l < lanes; ++l) out[c * s[3] + l * s[1]] = in[c * b.blk + l];
            } else {
                for (int64_t l = 0; l < lanes; ++l)
                    for (int64_t c = 0; c < dst_w; ++c) out[l * s[1] + c * s[3]] = in[c * b.blk + l];
            }
        }
}

void weights_to_blocked(const float* w, const Strides& ws, const Problem& p, const Blocked& red, const Blocked& lane,
                        bool lanes_over_ic, float* dst, int threads) {
    const int64_t taps = p.kh * p.kw, ocg = p.ocg();
    const int64_t L = lane.blk;
    const int64_t blocks = p.g * lane.blocks * red.blocks;
    const std::vector<int64_t> tap = tap_offsets(p, ws);
    // Lanes and reduction over (oc, ic), or (ic, oc) for backward data.
    const int64_t l_stride = lanes_over_ic ? ws[1] : ws[0], i_stride = lanes_over_ic ? ws[0] : ws[1];
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t block = 0; block < blocks; ++block) {
        const int64_t grp = block / (lane.blocks * red.blocks), lb = block / red.blocks % lane.blocks,
                      rb = block % red.blocks;
        float* out = dst + block * taps * red.blk * L;
        const float* in = w + grp * ocg * ws[0] + lb * L * l_stride + rb * red.blk * i_stride;
        const bool whole = (rb + 1) * red.blk <= red.channels && (lb + 1) * L <= lane.channels;
        if (whole) {  // no padding: plain strided copies the compiler vectorizes
            for (int64_t t = 0; t < taps; ++t)
                for (int64_t i = 0; i < red.blk; ++i)
                    for (int64_t l = 0; l < L; ++l)
                        out[(t * red.blk + i) * L + l] = in[l * l_stride + i * i_stride + tap[t]];
            continue;
        }
        for (int64_t l = 0; l < L; ++l)
            for (int64_t i = 0; i < red.blk; ++i) {
                const bool real = rb * red.blk + i < red.channels && lb * L + l < lane.channels;
                for (int64_t t = 0; t < taps; ++t)
                    out[(t * red.blk + i) * L + l] = real ? in[l * l_stride + i * i_stride + tap[t]] : 0.0f;
            }
    }
}

void weights_from_blocked(const float* src, const Problem& p, const Blocked& ic_side, const Blocked& oc_side, float* dw,
                          const Strides& ws, int threads) {
    const int64_t taps = p.kh * p.kw, icg = p.icg(), ocg = p.ocg(), L = oc_side.blk, blk = ic_side.blk;
    const int64_t blocks = p.g * oc_side.blocks * ic_side.blocks;
    const std::vector<int64_t> tap = tap_offsets(p, ws);
    // One (oc block, ic block) at a time: its taps * blk * L floats stay in L1
    // while they are written out (in oihw as runs of blk * taps contiguous floats of dw).
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t block = 0; block < blocks; ++block) {
        const int64_t grp = block / (oc_side.blocks * ic_side.blocks), ob = block / ic_side.blocks % oc_side.blocks,
                      ib = block % ic_side.blocks;
        const float* in = src + block * taps * blk * L;
        const int64_t lanes = std::min(L, ocg - ob * L), channels = std::min(blk, icg - ib * blk);
        for (int64_t l = 0; l < lanes; ++l) {
            float* out = dw + (grp * ocg + ob * L + l) * ws[0] + ib * blk * ws[1];
            for (int64_t i = 0; i < channels; ++i)
                for (int64_t t = 0; t < taps; ++t) out[i * ws[1] + tap[t]] = in[(t * blk + i) * L + l];
        }
    }
}

void pack_pointwise_weights(const float* w, const Problem& p, const Pointwise& pw, bool rows_over_ic, float* dst) {
    const int64_t icg = p.icg(), full = pw.rows / pw.mr * pw.mr;
    for (int64_t grp = 0; grp < p.g; ++grp) {
        float* out = dst + grp * pw.rows * pw.k;
        auto value = [&](int64_t r, int64_t k) {
            const int64_t oc = rows_over_ic ? k : r, ic = rows_over_ic ? r : k;
            return w[(grp * p.ocg() + oc) * icg + ic];
        };
        for (int64_t r0 = 0; r0 < full; r0 += pw.mr)
            for (int64_t k = 0; k < pw.k; ++k)
                for (int64_t m = 0; m < pw.mr; ++m) out[r0 * pw.k + k * pw.mr + m] = value(r0 + m, k);
        for (int64_t r = full; r < pw.rows; ++r)
            for (int64_t k = 0; k < pw.k; ++k) out[r * pw.k + k] = value(r, k);
    }
}

void gather_pixels(const float* x, const Strides& xs, const Problem& p, const Strides& ds, float* dst, int threads) {
    const bool channels_inner = xs[1] < xs[3];
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oh = 0; oh < p.oh; ++oh) {
            const float* in = x + n * xs[0] + oh * p.sh * xs[2];
            float* out = dst + n * ds[0] + oh * p.ow * ds[3];
            if (channels_inner) {
                for (int64_t ow = 0; ow < p.ow; ++ow)
                    for (int64_t c = 0; c < p.ic; ++c) out[ow * ds[3] + c * ds[1]] = in[ow * p.sw * xs[3] + c * xs[1]];
            } else {
                for (int64_t c = 0; c < p.ic; ++c)
                    for (int64_t ow = 0; ow < p.ow; ++ow) out[c * ds[1] + ow * ds[3]] = in[c * xs[1] + ow * p.sw * xs[3]];
            }
        }
}

void scatter_pixels(const float* src, const Strides& ds, const Problem& p, const Strides& xs, float* dx, int threads) {
    const bool channels_inner = xs[1] < xs[3];
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t ih = 0; ih < p.ih; ++ih) {
            float* out = dx + n * xs[0] + ih * xs[2];
            for (int64_t c = 0; c < p.ic; ++c)
                for (int64_t iw = 0; iw < p.iw; ++iw) out[c * xs[1] + iw * xs[3]] = 0.0f;
            if (ih % p.sh != 0 || ih / p.sh >= p.oh) continue;
            const float* in = src + n * ds[0] + ih / p.sh * p.ow * ds[3];
            if (channels_inner) {
                for (int64_t ow = 0; ow < p.ow; ++ow)
                    for (int64_t c = 0; c < p.ic; ++c) out[ow * p.sw * xs[3] + c * xs[1]] = in[ow * ds[3] + c * ds[1]];
            } else {
                for (int64_t c = 0; c < p.ic; ++c)
                    for (int64_t ow = 0; ow < p.ow; ++ow) out[c * xs[1] + ow * p.sw * xs[3]] = in[c * ds[1] + ow * ds[3]];
            }
        }
}

void depthwise_weights_to_blocked(const float* w, const Strides& ws, const Problem& p, const Blocked& lane, float* dst) {
    const int64_t taps = p.kh * p.kw, L = lane.blk;
    const std::vector<int64_t> tap = tap_offsets(p, ws);
    for (int64_t cb = 0; cb < lane.blocks; ++cb)
        for (int64_t t = 0; t < taps; ++t)
            for (int64_t l = 0; l < L; ++l) {
                const int64_t c = cb * L + l;
                dst[(cb * taps + t) * L + l] = c < lane.channels ? w[c * ws[0] + tap[t]] : 0.0f;
            }
}

void depthwise_weights_from_blocked(const float* src, const Problem& p, const Blocked& lane, float* dw,
                                    const Strides& ws) {
    const int64_t taps = p.kh * p.kw, L = lane.blk;
    const std::vector<int64_t> tap = tap_offsets(p, ws);
    for (int64_t c = 0; c < lane.channels; ++c)
        for (int64_t t = 0; t < taps; ++t) dw[c * ws[0] + tap[t]] = src[(c / L * taps + t) * L + c % L];
}

void bias_to_blocked(const float* b, int64_t groups, const Blocked& lane, float* dst) {
    for (int64_t grp = 0; grp < groups; ++grp)
        for (int64_t c = 0; c < lane.blocks * lane.blk; ++c)
            dst[grp * lane.blocks * lane.blk + c] = b && c < lane.channels ? b[grp * lane.channels + c] : 0.0f;
}

}  // namespace convlab::direct
