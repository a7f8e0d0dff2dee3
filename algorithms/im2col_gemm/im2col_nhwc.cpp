#include "algorithms/im2col_gemm/im2col_nhwc.hpp"

#include <algorithm>
#include <cstring>

namespace convlab {

bool nhwc_input_is_columns(const Problem& p) {
    return p.kh == 1 && p.kw == 1 && p.sh == 1 && p.sw == 1 && p.ph == 0 && p.pw == 0 && p.ph_bottom() == 0 &&
           p.pw_right() == 0;
}

void im2col_nhwc(const Problem& p, const float* x, int64_t first, int64_t count, float* col) {
    const int64_t row = nhwc_column_row(p), icg = p.icg(), taps = p.kh * p.kw;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < count; ++r) {
        const int64_t q = first + r, n = q / (p.oh * p.ow), oy = q / p.ow % p.oh, ox = q % p.ow;
        float* out = col + r * row;
        for (int64_t ky = 0; ky < p.kh; ++ky) {
            const int64_t iy = oy * p.sh - p.ph + ky * (p.dh + 1);
            for (int64_t kx = 0; kx < p.kw; ++kx) {
                const int64_t ix = ox * p.sw - p.pw + kx * (p.dw + 1), tap = ky * p.kw + kx;
                const bool inside = iy >= 0 && iy < p.ih && ix >= 0 && ix < p.iw;
                const float* in = x + ((n * p.ih + iy) * p.iw + ix) * p.ic;
                for (int64_t gi = 0; gi < p.g; ++gi) {
                    float* dst = out + (gi * taps + tap) * icg;
                    if (inside) std::memcpy(dst, in + gi * icg, size_t(icg) * sizeof(float));
                    else std::fill(dst, dst + icg, 0.0f);
                }
            }
        }
    }
}

void col2im_nhwc(const Problem& p, const float* col, int64_t n0, int64_t images, float* dx) {
    const int64_t row = nhwc_column_row(p), icg = p.icg(), taps = p.kh * p.kw;
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t n = n0; n < n0 + images; ++n)
        for (int64_t iy = 0; iy < p.ih; ++iy)
            for (int64_t ix = 0; ix < p.iw; ++ix) {
                float* out = dx + ((n * p.ih + iy) * p.iw + ix) * p.ic;
                std::fill(out, out + p.ic, 0.0f);
                for (int64_t ky = 0; ky < p.kh; ++ky) {
                    const int64_t ty = iy + p.ph - ky * (p.dh + 1);
                    if (ty < 0 || ty % p.sh != 0 || ty / p.sh >= p.oh) continue;
                    for (int64_t kx = 0; kx < p.kw; ++kx) {
                        const int64_t tx = ix + p.pw - kx * (p.dw + 1);
                        if (tx < 0 || tx % p.sw != 0 || tx / p.sw >= p.ow) continue;
                        const int64_t q = ((n - n0) * p.oh + ty / p.sh) * p.ow + tx / p.sw, tap = ky * p.kw + kx;
                        const float* in = col + q * row;
                        for (int64_t gi = 0; gi < p.g; ++gi) {
                            const float* src = in + (gi * taps + tap) * icg;
                            for (int64_t c = 0; c < icg; ++c) out[gi * icg + c] += src[c];
                        }
                    }
                }
            }
}

}  // namespace convlab
