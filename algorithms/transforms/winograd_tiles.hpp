// Tile geometry shared by the Winograd forward and weight-gradient engines:
// which tile a lane holds, and the gather / scatter of tile-sized windows
// between NCHW planes and the lane arrays the transforms work on.
//
// Output tiles are m x m, laid out over all images in (n, tile row, tile
// column) order; the tile at output (oy, ox) reads the input window starting
// at (oy - ph, ox - pw). Anything outside a plane reads as zero (padding, and
// tiles hanging over the bottom/right edge); outputs beyond oh / ow are not
// written. That covers any top/left padding, any bottom/right padding
// (negative too: those input rows are simply never needed) and any size.
#pragma once

#include <algorithm>
#include <cstdint>

#include "algorithms/problem.hpp"

namespace convlab {

// Lanes of one transform call: 16 floats, one AVX-512 register.
inline constexpr int winograd_lanes = 16;

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }
// Bytes of `floats` floats, rounded up to a 64-byte cache line.
inline int64_t aligned_float_bytes(int64_t floats) { return round_up(floats * int64_t(sizeof(float)), 64); }

struct TileGrid {
    int64_t m = 0, rows = 0, cols = 0, per_image = 0, count = 0;
    TileGrid(const Problem& p, int64_t tile)
        : m(tile), rows(ceil_div(p.oh, tile)), cols(ceil_div(p.ow, tile)), per_image(rows * cols),
          count(p.mb * rows * cols) {}
};

// The tiles of one lane group: image and top-left output position per lane;
// lanes at and beyond `valid` hold no tile.
struct LaneTiles {
    int64_t n[winograd_lanes], oy[winograd_lanes], ox[winograd_lanes];
    int valid = 0;
};

inline LaneTiles lane_tiles(const TileGrid& grid, int64_t first, int64_t count) {
    LaneTiles t;
    t.valid = int(std::min<int64_t>(count, winograd_lanes));
    for (int l = 0; l < t.valid; ++l) {
        const int64_t tile = first + l, within = tile % grid.per_image;
        t.n[l] = tile / grid.per_image;
        t.oy[l] = within / grid.cols * grid.m;
        t.ox[l] = within % grid.cols * grid.m;
    }
    return t;
}

// d[i][j][l] = plane(lane l)[oy - top + i][ox - left + j], zero outside the
// h x w plane and in lanes without a tile. Plane of lane l: channel c of image
// n[l] in an NCHW tensor with `channels` channels.
template <int K, int L>
inline void gather_windows(const float* data, int64_t channels, int64_t c, int64_t h, int64_t w, int64_t top,
                           int64_t left, const LaneTiles& t, float (&d)[K][K][L]) {
    for (int l = 0; l < L; ++l) {
        if (l >= t.valid) {
            for (int i = 0; i < K; ++i)
                for (int j = 0; j < K; ++j) d[i][j][l] = 0.0f;
            continue;
        }
        const int64_t y0 = t.oy[l] - top, x0 = t.ox[l] - left;
        const float* plane = data + (t.n[l] * channels + c) * h * w;
        if (y0 >= 0 && x0 >= 0 && y0 + K <= h && x0 + K <= w) {
            const float* src = plane + y0 * w + x0;
            for (int i = 0; i < K; ++i)
                for (int j = 0; j < K; ++j) d[i][j][l] = src[i * w + j];
            continue;
        }
        for (int i = 0; i < K; ++i) {
            const int64_t y = y0 + i;
            const bool row_inside = y >= 0 && y < h;
            for (int j = 0; j < K; ++j) {
                const int64_t x = x0 + j;
                d[i][j][l] = row_inside && x >= 0 && x < w ? plane[y * w + x] : 0.0f;
            }
        }
    }
}

// plane(lane l)[oy + i][ox + j] = o[i][j][l] (+ bias) for the positions inside
// the h x w output plane; positions beyond it are dropped.
template <int K, int L>
inline void scatter_blocks(const float (&o)[K][K][L], float bias, float* data, int64_t channels, int64_t c, int64_t h,
                           int64_t w, const LaneTiles& t) {
    for (int l = 0; l < t.valid; ++l) {
        float* plane = data + (t.n[l] * channels + c) * h * w;
        const int64_t rows = std::min<int64_t>(K, h - t.oy[l]), cols = std::min<int64_t>(K, w - t.ox[l]);
        for (int64_t i = 0; i < rows; ++i)
            for (int64_t j = 0; j < cols; ++j) plane[(t.oy[l] + i) * w + t.ox[l] + j] = o[i][j][l] + bias;
    }
}

}  // namespace convlab
