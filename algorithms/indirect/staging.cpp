#include "algorithms/indirect/staging.hpp"

#include <omp.h>

#include <algorithm>

namespace convlab::indirect {

void nchw_to_nhwc(const float* src, int64_t mb, int64_t c, int64_t h, int64_t w, float* dst, int threads) {
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t n = 0; n < mb; ++n)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t ch = 0; ch < c; ++ch) {
                const float* s = src + ((n * c + ch) * h + y) * w;
                float* d = dst + ((n * h + y) * w) * c + ch;
                for (int64_t x = 0; x < w; ++x) d[x * c] = s[x];
            }
}

void nhwc_to_nchw(const float* src, int64_t mb, int64_t c, int64_t h, int64_t w, float* dst, int threads) {
#pragma omp parallel for collapse(2) num_threads(threads) schedule(static)
    for (int64_t n = 0; n < mb; ++n)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t ch = 0; ch < c; ++ch) {
                const float* s = src + ((n * h + y) * w) * c + ch;
                float* d = dst + ((n * c + ch) * h + y) * w;
                for (int64_t x = 0; x < w; ++x) d[x] = s[x * c];
            }
}

namespace {

// Element (o, i, tap) of weights laid out by `ws`.
inline float weight(const float* w, const WeightStrides& ws, const Problem& p, int64_t o, int64_t i, int64_t tap) {
    return w[o * ws[0] + i * ws[1] + tap / p.kw * ws[2] + tap % p.kw * ws[3]];
}

}  // namespace

void pack_forward_weights(const Problem& p, const float* w, const WeightStrides& ws, const float* b, int64_t nr,
                          float* out) {
    const int64_t taps = p.kh * p.kw, icg = p.icg(), ocg = p.ocg(), panels = (ocg + nr - 1) / nr;
    const int64_t size = panel_floats(nr, taps, icg);
    for (int64_t grp = 0; grp < p.g; ++grp)
        for (int64_t j = 0; j < panels; ++j) {
            float* panel = out + (grp * panels + j) * size;
            std::fill(panel, panel + size, 0.0f);
            for (int64_t l = 0; l < std::min(nr, ocg - j * nr); ++l) {
                const int64_t o = grp * ocg + j * nr + l;
                panel[l] = b ? b[o] : 0.0f;
                for (int64_t i = 0; i < icg; ++i)
                    for (int64_t t = 0; t < taps; ++t) panel[nr + (t * icg + i) * nr + l] = weight(w, ws, p, o, i, t);
            }
        }
}

void pack_backward_data_weights(const Problem& p, const float* w, const WeightStrides& ws,
                                const std::vector<int64_t>& taps, int64_t nr, float* out) {
    const int64_t icg = p.icg(), ocg = p.ocg(), panels = (icg + nr - 1) / nr;
    const int64_t count = int64_t(taps.size()), size = panel_floats(nr, count, ocg);
    for (int64_t grp = 0; grp < p.g; ++grp)
        for (int64_t j = 0; j < panels; ++j) {
            float* panel = out + (grp * panels + j) * size;
            std::fill(panel, panel + size, 0.0f);
            for (int64_t l = 0; l < std::min(nr, icg - j * nr); ++l) {
                const int64_t i = j * nr + l;
                for (int64_t o = 0; o < ocg; ++o)
                    for (int64_t t = 0; t < count; ++t)
                        panel[nr + (t * ocg + o) * nr + l] = weight(w, ws, p, grp * ocg + o, i, taps[size_t(t)]);
            }
        }
}

void unstage_weights_grad(const float* staged, const Problem& p, int64_t icg_rows, int64_t ocg_cols, float* dw,
                          const WeightStrides& ws, int threads) {
    const int64_t taps = p.kh * p.kw, icg = p.icg(), ocg = p.ocg();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t o = 0; o < p.oc; ++o) {
        const int64_t grp = o / ocg, oo = o % ocg;
        for (int64_t i = 0; i < icg; ++i)
            for (int64_t t = 0; t < taps; ++t)
                dw[o * ws[0] + i * ws[1] + t / p.kw * ws[2] + t % p.kw * ws[3]] = staged[((grp * taps + t) * icg_rows + i) * ocg_cols + oo];
    }
}

}  // namespace convlab::indirect
