#include "algorithms/indirect/indirection.hpp"

#include <algorithm>

namespace convlab::indirect {

namespace {

// a / b rounded towards minus infinity, and whether it is exact (b > 0).
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
bool divides(int64_t b, int64_t a) { return ((a % b) + b) % b == 0; }

// Fills `buffer` in the [tile][tap][mr] layout from row_of(pixel, tap), the
// last tile padded with the last pixel's rows.
template <class RowOf>
std::vector<const float*> tiled(int64_t pixels, int64_t taps, int64_t mr, RowOf row_of) {
    std::vector<const float*> buffer(size_t(tiles_of(pixels, mr) * taps * mr));
    for (int64_t q = 0; q < tiles_of(pixels, mr) * mr; ++q) {
        const int64_t pixel = std::min(q, pixels - 1), tile = q / mr, m = q % mr;
        for (int64_t t = 0; t < taps; ++t) buffer[size_t((tile * taps + t) * mr + m)] = row_of(pixel, t);
    }
    return buffer;
}

}  // namespace

std::vector<const float*> forward_indirection(const Problem& p, const float* x, int64_t row_stride,
                                              const float* zero, int64_t mr) {
    const int64_t plane = p.oh * p.ow;
    return tiled(p.mb * plane, p.kh * p.kw, mr, [&](int64_t q, int64_t t) {
        const int64_t n = q / plane, oy = q % plane / p.ow, ox = q % p.ow;
        const int64_t iy = oy * p.sh - p.ph + t / p.kw * (p.dh + 1);
        const int64_t ix = ox * p.sw - p.pw + t % p.kw * (p.dw + 1);
        if (iy < 0 || iy >= p.ih || ix < 0 || ix >= p.iw) return zero;
        return x + ((n * p.ih + iy) * p.iw + ix) * row_stride;
    });
}

std::vector<StridePhase> stride_phases(const Problem& p) {
    std::vector<StridePhase> phases;
    for (int64_t row0 = 0; row0 < std::min(p.sh, p.ih); ++row0)
        for (int64_t col0 = 0; col0 < std::min(p.sw, p.iw); ++col0) {
            StridePhase ph;
            ph.row0 = row0, ph.col0 = col0;
            ph.rows = (p.ih - row0 + p.sh - 1) / p.sh;
            ph.cols = (p.iw - col0 + p.sw - 1) / p.sw;
            for (int64_t ky = 0; ky < p.kh; ++ky)
                for (int64_t kx = 0; kx < p.kw; ++kx)
                    if (divides(p.sh, row0 + p.ph - ky * (p.dh + 1)) && divides(p.sw, col0 + p.pw - kx * (p.dw + 1)))
                        ph.taps.push_back(ky * p.kw + kx);
            phases.push_back(std::move(ph));
        }
    return phases;
}

std::vector<const float*> backward_data_indirection(const Problem& p, const StridePhase& phase, const float* dy,
                                                    int64_t row_stride, const float* zero, int64_t mr) {
    const int64_t plane = phase.rows * phase.cols, taps = int64_t(phase.taps.size());
    if (taps == 0) return {};
    return tiled(p.mb * plane, taps, mr, [&](int64_t q, int64_t t) {
        const int64_t n = q / plane;
        const int64_t iy = phase.row0 + q % plane / phase.cols * p.sh, ix = phase.col0 + q % phase.cols * p.sw;
        const int64_t tap = phase.taps[size_t(t)];
        // Exact divisions: the phase's taps are those whose offsets the stride divides.
        const int64_t oy = floor_div(iy + p.ph - tap / p.kw * (p.dh + 1), p.sh);
        const int64_t ox = floor_div(ix + p.pw - tap % p.kw * (p.dw + 1), p.sw);
        if (oy < 0 || oy >= p.oh || ox < 0 || ox >= p.ow) return zero;
        return dy + ((n * p.oh + oy) * p.ow + ox) * row_stride;
    });
}

}  // namespace convlab::indirect
