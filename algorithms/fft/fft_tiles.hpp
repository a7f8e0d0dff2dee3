// Filling one N x N real FFT buffer from the tensors: an input tile of a
// virtual (polyphase) channel, a window of dy, or a virtual kernel; and where
// tile t of the list starts. Everything outside the tensors is zero.
#pragma once

#include <algorithm>
#include <cstdint>

#include "algorithms/fft/fft_geometry.hpp"

namespace convlab::fft {

struct TileOrigin {
    int64_t n, jh, jw;  // image, first output (or virtual input) row and column
};

inline TileOrigin tile_origin(const Geometry& g, int64_t t) {
    const int64_t per_image = g.h.tiles * g.w.tiles, rem = t % per_image;
    return {t / per_image, rem / g.w.tiles * g.h.tile, rem % g.w.tiles * g.w.tile};
}

// The virtual channel c' = (c * Rh + rh) * Rw + rw, split.
struct VirtualChannel {
    int64_t c, rh, rw;
};

inline VirtualChannel split_channel(const Geometry& g, int64_t cvi) {
    return {cvi / (g.h.polyphases * g.w.polyphases), cvi / g.w.polyphases % g.h.polyphases, cvi % g.w.polyphases};
}

// real[u][v] = X'_(rh,rw)[jh + u][jw + v] = plane[s*(jh+u) + rh - p][s*(jw+v) + rw - p].
inline void fill_input_tile(const Geometry& g, const float* plane, int64_t rh, int64_t rw, int64_t jh, int64_t jw,
                            float* real) {
    const Axis &h = g.h, &w = g.w;
    for (int64_t u = 0; u < h.n; ++u) {
        float* row = real + u * w.n;
        const int64_t i = h.stride * (jh + u) + rh - h.pad;
        if (i < 0 || i >= h.in) {
            std::fill(row, row + w.n, 0.0f);
            continue;
        }
        // Columns v < v_lo fall left of the plane, v >= v_hi right of it:
        // the row is zeros, a run of the plane's row, zeros (a plain copy at
        // stride 1), with no test per element.
        const int64_t first = w.stride * jw + rw - w.pad;  // the input column of v = 0
        const int64_t v_lo = first >= 0 ? 0 : std::min(w.n, (w.stride - 1 - first) / w.stride);
        const int64_t v_hi = std::max(v_lo, first >= w.in ? 0 : std::min(w.n, (w.in - first + w.stride - 1) / w.stride));
        std::fill(row, row + v_lo, 0.0f);
        const float* src = plane + i * w.in;
        if (w.stride == 1)
            std::copy(src + first + v_lo, src + first + v_hi, row + v_lo);
        else
            for (int64_t v = v_lo; v < v_hi; ++v) row[v] = src[first + w.stride * v];
        std::fill(row + v_hi, row + w.n, 0.0f);
    }
}

// real[u][v] = plane[oh0 + u][ow0 + v] for u < rows, v < cols, inside the
// oh x ow plane; zero elsewhere in the N x N buffer.
inline void fill_dy_tile(const Geometry& g, const float* plane, int64_t oh0, int64_t ow0, int64_t rows, int64_t cols,
                         float* real) {
    const Axis &h = g.h, &w = g.w;
    std::fill(real, real + h.n * w.n, 0.0f);
    const int64_t u_lo = std::max<int64_t>(0, -oh0), u_hi = std::min(rows, h.out - oh0);
    const int64_t v_lo = std::max<int64_t>(0, -ow0), v_hi = std::min(cols, w.out - ow0);
    for (int64_t u = u_lo; u < u_hi; ++u)
        std::copy(plane + (oh0 + u) * w.out + ow0 + v_lo, plane + (oh0 + u) * w.out + ow0 + v_hi,
                  real + u * w.n + v_lo);
}

// real[qh][qw] = W'_(rh,rw)[qh][qw], the dense-kernel taps of polyphase (rh, rw)
// of one (oc, c) kernel `taps` ([kh][kw]).
inline void fill_kernel(const Geometry& g, const float* taps, int64_t rh, int64_t rw, float* real) {
    const Axis &h = g.h, &w = g.w;
    std::fill(real, real + h.n * w.n, 0.0f);
    for (int64_t qh = 0; qh < h.vtaps; ++qh) {
        const int64_t kh = h.tap_of(qh, rh);
        if (kh < 0) continue;
        for (int64_t qw = 0; qw < w.vtaps; ++qw) {
            const int64_t kw = w.tap_of(qw, rw);
            if (kw >= 0) real[qh * w.n + qw] = taps[kh * w.taps + kw];
        }
    }
}

}  // namespace convlab::fft
