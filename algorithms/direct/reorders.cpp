#include "algorithms/direct/reorders.hpp"

#include <algorithm>
#include <cstring>

namespace convlab::direct {

void to_blocked(const float* src, int64_t batch, int64_t groups, int64_t src_h, int64_t src_w, const Blocked& b,
                float* dst, int threads) {
    const int64_t channels_total = groups * b.channels;
    const int64_t row_floats = b.w * b.blk;
    const int64_t col0 = std::max<int64_t>(0, b.left), col1 = std::min(b.w, b.left + src_w);
    const int64_t planes = batch * groups * b.blocks;
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t plane = 0; plane < planes; ++plane)
        for (int64_t r = 0; r < b.h; ++r) {
            const int64_t n = plane / (groups * b.blocks), grp = plane / b.blocks % groups, blk = plane % b.blocks;
            float* out = dst + plane * b.plane() + r * row_floats;
            const int64_t sr = r - b.top;
            std::memset(out, 0, sizeof(float) * row_floats);
            if (sr < 0 || sr >= src_h) continue;
            const int64_t lanes = std::min(b.blk, b.channels - blk * b.blk);
            for (int64_t l = 0; l < lanes; ++l) {
                const int64_t ch = grp * b.channels + blk * b.blk + l;
                const float* in = src + ((n * channels_total + ch) * src_h + sr) * src_w - b.left;
                for (int64_t c = col0; c < col1; ++c) out[c * b.blk + l] = in[c];
            }
        }
}

void from_blocked(const float* src, int64_t batch, int64_t groups, int64_t dst_h, int64_t dst_w, const Blocked& b,
                  float* dst, int threads) {
    const int64_t channels_total = groups * b.channels;
    const int64_t planes = batch * groups * b.blocks;
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t plane = 0; plane < planes; ++plane)
        for (int64_t r = 0; r < dst_h; ++r) {
            const int64_t n = plane / (groups * b.blocks), grp = plane / b.blocks % groups, blk = plane % b.blocks;
            const float* in = src + plane * b.plane() + r * b.w * b.blk;
            const int64_t lanes = std::min(b.blk, b.channels - blk * b.blk);
            for (int64_t l = 0; l < lanes; ++l) {
                const int64_t ch = grp * b.channels + blk * b.blk + l;
                float* out = dst + ((n * channels_total + ch) * dst_h + r) * dst_w;
                for (int64_t c = 0; c < dst_w; ++c) out[c] = in[c * b.blk + l];
            }
        }
}

void weights_to_blocked(const float* w, const Problem& p, const Blocked& red, const Blocked& lane,
                        bool lanes_over_ic, float* dst, int threads) {
    const int64_t taps = p.kh * p.kw, icg = p.icg(), ocg = p.ocg();
    const int64_t L = lane.blk;
    const int64_t blocks = p.g * lane.blocks * red.blocks;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t block = 0; block < blocks; ++block) {
        const int64_t grp = block / (lane.blocks * red.blocks), lb = block / red.blocks % lane.blocks,
                      rb = block % red.blocks;
        float* out = dst + block * taps * red.blk * L;
        const bool whole = (rb + 1) * red.blk <= red.channels && (lb + 1) * L <= lane.channels;
        if (whole) {  // no padding: plain strided copies the compiler vectorizes
            const int64_t l_stride = (lanes_over_ic ? 1 : icg) * taps, i_stride = (lanes_over_ic ? icg : 1) * taps;
            const float* in = w + (lanes_over_ic ? (grp * ocg + rb * red.blk) * icg + lb * L
                                                 : (grp * ocg + lb * L) * icg + rb * red.blk) * taps;
            for (int64_t t = 0; t < taps; ++t)
                for (int64_t i = 0; i < red.blk; ++i)
                    for (int64_t l = 0; l < L; ++l) out[(t * red.blk + i) * L + l] = in[l * l_stride + i * i_stride + t];
            continue;
        }
        for (int64_t l = 0; l < L; ++l)
            for (int64_t i = 0; i < red.blk; ++i) {
                const int64_t r = rb * red.blk + i, c = lb * L + l;  // reduction and lane channel
                const int64_t oc = lanes_over_ic ? r : c, ic = lanes_over_ic ? c : r;
                const bool real = r < red.channels && c < lane.channels;
                const float* in = w + ((grp * ocg + oc) * icg + ic) * taps;
                for (int64_t t = 0; t < taps; ++t) out[(t * red.blk + i) * L + l] = real ? in[t] : 0.0f;
            }
    }
}

void weights_from_blocked(const float* src, const Problem& p, const Blocked& ic_side, const Blocked& oc_side, float* dw,
                          int threads) {
    const int64_t taps = p.kh * p.kw, icg = p.icg(), ocg = p.ocg(), L = oc_side.blk, blk = ic_side.blk;
    const int64_t blocks = p.g * oc_side.blocks * ic_side.blocks;
    // One (oc block, ic block) at a time: its taps * blk * L floats stay in L1
    // while they are written out as runs of blk * taps contiguous floats of dw.
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t block = 0; block < blocks; ++block) {
        const int64_t grp = block / (oc_side.blocks * ic_side.blocks), ob = block / ic_side.blocks % oc_side.blocks,
                      ib = block % ic_side.blocks;
        const float* in = src + block * taps * blk * L;
        const int64_t lanes = std::min(L, ocg - ob * L), channels = std::min(blk, icg - ib * blk);
        for (int64_t l = 0; l < lanes; ++l) {
            float* out = dw + ((grp * ocg + ob * L + l) * icg + ib * blk) * taps;
            for (int64_t i = 0; i < channels; ++i)
                for (int64_t t = 0; t < taps; ++t) out[i * taps + t] = in[(t * blk + i) * L + l];
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

void gather_pixels(const float* x, const Problem& p, float* dst, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t nc = 0; nc < p.mb * p.ic; ++nc) {
        const float* in = x + nc * p.ih * p.iw;
        float* out = dst + nc * p.oh * p.ow;
        for (int64_t oh = 0; oh < p.oh; ++oh)
            for (int64_t ow = 0; ow < p.ow; ++ow) out[oh * p.ow + ow] = in[oh * p.sh * p.iw + ow * p.sw];
    }
}

void scatter_pixels(const float* src, const Problem& p, float* dx, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t nc = 0; nc < p.mb * p.ic; ++nc) {
        const float* in = src + nc * p.oh * p.ow;
        float* out = dx + nc * p.ih * p.iw;
        std::memset(out, 0, sizeof(float) * p.ih * p.iw);
        for (int64_t oh = 0; oh < p.oh; ++oh)
            for (int64_t ow = 0; ow < p.ow; ++ow) out[oh * p.sh * p.iw + ow * p.sw] = in[oh * p.ow + ow];
    }
}

void depthwise_weights_to_blocked(const float* w, const Problem& p, const Blocked& lane, float* dst) {
    const int64_t taps = p.kh * p.kw, L = lane.blk;
    for (int64_t cb = 0; cb < lane.blocks; ++cb)
        for (int64_t t = 0; t < taps; ++t)
            for (int64_t l = 0; l < L; ++l) {
                const int64_t c = cb * L + l;
                dst[(cb * taps + t) * L + l] = c < lane.channels ? w[c * taps + t] : 0.0f;
            }
}

void depthwise_weights_from_blocked(const float* src, const Problem& p, const Blocked& lane, float* dw) {
    const int64_t taps = p.kh * p.kw, L = lane.blk;
    for (int64_t c = 0; c < lane.channels; ++c)
        for (int64_t t = 0; t < taps; ++t) dw[c * taps + t] = src[(c / L * taps + t) * L + c % L];
}

void bias_to_blocked(const float* b, int64_t groups, const Blocked& lane, float* dst) {
    for (int64_t grp = 0; grp < groups; ++grp)
        for (int64_t c = 0; c < lane.blocks * lane.blk; ++c)
            dst[grp * lane.blocks * lane.blk + c] = b && c < lane.channels ? b[grp * lane.channels + c] : 0.0f;
}

}  // namespace convlab::direct
