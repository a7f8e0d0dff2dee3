// Tile geometry shared by the Winograd forward and weight-gradient engines:
// which tile a lane holds, and the gather / scatter of tile-sized windows
// between NCHW planes and the lane arrays the transforms work on.
//
// Output tiles are m x m, laid out over all images in (n, tile row, tile
// column) order; the tile at output (oy, ox) reads the input window starting
// at (oy - ph, ox - pw). A lane group is up to 16 consecutive tiles of one
// tile row, so lane l's window starts m * l elements into the same input rows:
// the gather is a strided load from a row (vectorised), not a scalar gather. Anything outside a plane reads as zero (padding, and
// tiles hanging over the bottom/right edge); outputs beyond oh / ow are not
// written. That covers any top/left padding, any bottom/right padding
// (negative too: those input rows are simply never needed) and any size.
#pragma once

#include <algorithm>
#include <cstdint>

#include "algorithms/problem.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/common/simd.hpp"

namespace convlab {

// Lanes of one transform call: simd.hpp's eight.
inline constexpr int winograd_lanes = 8;

struct TileGrid {
    int64_t m = 0, rows = 0, cols = 0, count = 0;
    int64_t groups_per_row = 0, group_count = 0;  // lane groups
    TileGrid(const Problem& p, int64_t tile)
        : m(tile), rows(ceil_div(p.oh, tile)), cols(ceil_div(p.ow, tile)), count(p.mb * rows * cols),
          groups_per_row(ceil_div(cols, winograd_lanes)), group_count(p.mb * rows * groups_per_row) {}
    // Index of the first tile of lane group q (q == group_count gives count).
    int64_t first_tile(int64_t q) const {
        return q / groups_per_row * cols + q % groups_per_row * winograd_lanes;
    }
};

// Up to 16 consecutive tiles of one tile row: image n, top-left output (oy, ox)
// of the first; lanes at and beyond `count` hold no tile.
struct LaneGroup {
    int64_t n = 0, oy = 0, ox = 0, count = 0;
};

inline LaneGroup lane_group(const TileGrid& grid, int64_t q) {
    const int64_t tile_row = q / grid.groups_per_row, segment = q % grid.groups_per_row;
    LaneGroup t;
    t.n = tile_row / grid.rows;
    t.oy = tile_row % grid.rows * grid.m;
    t.ox = segment * winograd_lanes * grid.m;
    t.count = std::min<int64_t>(winograd_lanes, grid.cols - segment * winograd_lanes);
    return t;
}

static_assert(sizeof(Lanes<8>) == winograd_lanes * sizeof(float));

// The K input rows a lane group's windows read, each `span` elements from
// column ox - left: pointers straight into the plane (channel c
// of image n of an NCHW tensor with `channels` h x w channels) when the span
// lies inside it, else copies into `padded` with zeros outside the plane.
// The transform kernels load the windows from these rows (winograd_kernels.hpp).
template <int K, int S, int L>
struct WindowRows {
    // Elements the loads touch: S * (L - 1) + K used, and the vector loads of
    // strided_lanes reach S - 1 beyond (never read past the plane for them).
    static constexpr int span = S * L + K - 1;
    const float* row[K];
    float padded[K][span];

    void stage(const float* data, int64_t channels, int64_t c, int64_t h, int64_t w, int64_t top, int64_t left,
               const LaneGroup& t) {
        const float* plane = data + (t.n * channels + c) * h * w;
        const int64_t x0 = t.ox - left;
        const bool columns_inside = x0 >= 0 && x0 + span <= w;
        for (int i = 0; i < K; ++i) {
            const int64_t y = t.oy - top + i;
            if (y >= 0 && y < h && columns_inside) {
                row[i] = plane + y * w + x0;
                continue;
            }
            // Zeros, the part of the row inside the plane, zeros: three plain
            // copies (an element-wise bounds test made staging the
            // transform's hot spot, and nearly every lane group has a padded
            // row or column).
            const bool row_inside = y >= 0 && y < h;
            const int64_t lo = row_inside ? std::clamp<int64_t>(-x0, 0, span) : span;
            const int64_t hi = row_inside ? std::clamp<int64_t>(w - x0, lo, span) : span;
            std::fill(padded[i], padded[i] + lo, 0.0f);
            std::copy(plane + y * w + x0 + lo, plane + y * w + x0 + hi, padded[i] + lo);
            std::fill(padded[i] + hi, padded[i] + span, 0.0f);
            row[i] = padded[i];
        }
    }
};

// plane[oy + i][ox + K * l + j] = o[i][j][l] + bias for the lanes below count
// and the positions inside the h x w plane (channel c of image n); the rest of
// each tile, hanging over the bottom or right edge, is dropped.
template <int K, int L>
inline void scatter_blocks(const float (&o)[K][K][L], float bias, float* data, int64_t channels, int64_t c, int64_t h,
                           int64_t w, const LaneGroup& t) {
    float* plane = data + (t.n * channels + c) * h * w;
    const int64_t rows = std::min<int64_t>(K, h - t.oy), columns = std::min<int64_t>(K * t.count, w - t.ox);
    // Straight into the output: staging the interleaved row in a buffer and
    // copying it would reload narrow stores as wide vectors (a store-forwarding stall).
    for (int64_t i = 0; i < rows; ++i) {
        float* dst = plane + (t.oy + i) * w + t.ox;
        if (columns == K * L) {
#pragma omp simd
            for (int l = 0; l < L; ++l)
                for (int j = 0; j < K; ++j) dst[K * l + j] = o[i][j][l] + bias;
        } else {
            for (int64_t k = 0; k < columns; ++k) dst[k] = o[i][k % K][k / K] + bias;
        }
    }
}

}  // namespace convlab
