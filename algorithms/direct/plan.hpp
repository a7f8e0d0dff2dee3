// The plan of one direct convolution: everything decided from (problem,
// direction, threads, machine: its caches and the kernels' ISA) before the
// first call. Tensors arrive in the case's layout (NCHW or NHWC, any weight
// order; layout.hpp); inside the call they are converted to channel-blocked
// layouts (nChw16c / nChw8c, channels of a group padded with zeros to whole
// blocks, planes padded with zeros around), so that a register tile of
// output channels x output pixels can stream the reduction through FMAs.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/layout.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/problem.hpp"

namespace convlab::direct {

// A register tile of the forward / backward-data kernel: nb lane blocks
// (output channels) x ur output pixels, nb * ur accumulators.
struct Tile {
    int nb = 1, ur = 1;
    friend constexpr bool operator==(Tile, Tile) = default;
};

// The register tiles the kernels are built for: for 32 vector registers
// (AVX-512) and for 16 (AVX2). A tie in choose_tile goes to the earlier tile:
// 2x14 ahead of 1x28, whose 29 loads per 28 FMAs leave the two load ports no
// slack.
inline constexpr Tile wide_tiles[] = {{2, 14}, {1, 28}, {4, 7}, {1, 24}, {2, 12}, {3, 8}, {4, 6}, {1, 16}, {2, 8},
                                      {3, 7},  {2, 7},  {1, 14}, {1, 12}, {1, 8}, {1, 7}, {1, 4}, {1, 2}, {1, 1}};
inline constexpr Tile narrow_tiles[] = {{2, 6}, {3, 4}, {1, 12}, {1, 8}, {2, 4}, {1, 6}, {1, 4}, {1, 2}, {1, 1}};
// The tiles of the kernels for vectors of `lanes` floats.
constexpr std::span<const Tile> register_tiles(int lanes) {
    return lanes == 16 ? std::span<const Tile>(wide_tiles) : std::span<const Tile>(narrow_tiles);
}

// One kernel tap: where it reads in the blocked input plane (floats from the
// tile's origin) and which weights it uses (floats from the block's origin).
struct Tap {
    int64_t in_off = 0;
    int64_t w_off = 0;
    int64_t row = 0, col = 0;  // the input pixel it reads, relative to the tile's origin
};

// A set of output pixels computed with the same taps: the whole output for
// forward; for backward data one stride phase, the dx rows rh + sh*t and
// columns rw + sw*t, which a subset of the taps reaches.
struct StridePhase {
    int64_t out_row0 = 0, out_row_step = 1, out_col0 = 0, out_col_step = 1;
    int64_t rows = 0, cols = 0;  // cols: a multiple of the tile width
    int64_t real_cols = 0;       // the columns that exist in the output
    std::vector<Tap> taps;
};

// A blocked activation plane set: [batch][groups][blocks][h][w][blk].
struct Blocked {
    int64_t channels = 0;  // real channels per group
    int64_t blk = 0, blocks = 0;
    int64_t h = 0, w = 0;
    int64_t top = 0, left = 0;  // where source row/column 0 lands
    int64_t plane() const { return h * w * blk; }
    int64_t floats(int64_t batch, int64_t groups) const { return batch * groups * blocks * plane(); }
};

// Forward and backward data: out[pixel][lanes] += in[tap(pixel)][c] * w[tap][c][lanes].
// The output plane `out` is only the tile grid: each tile goes through a
// per-thread buffer straight into the NCHW output; direct_native's tiles
// (blocked_out) go into the blocked `out` planes instead, whole vectors, and
// stage_out converts them outside the timed call. When a 1x1 tile's weights
// outgrow L2 and a task has several tiles, the reduction runs in chunks of
// blocks small enough for L1, each chunk over all the task's tiles, their
// partial sums kept in the buffer: each weight vector loaded from L2 then
// feeds every tile's pixels instead of one tile's.
struct Engine {
    Blocked in, out;                // in.channels: the reduction; out.blk: the lanes
    int64_t src_h = 0, src_w = 0;   // the NCHW planes converted to `in` and from `out`
    int64_t dst_h = 0, dst_w = 0;
    int64_t taps_total = 0;         // kh * kw: weight taps per (out block, in block)
    int64_t in_row_step = 1, in_col_step = 1;  // input pixels per tile row / column
    Tile tile;                      // register tile: lane blocks x pixels
    int close_tiles = 1;            // the tiles the model scores within 10% of its choice (plan.cpp), up to 3
    bool rows_outer = true;         // task order: rows then lane blocks (small weights), or the reverse
    int64_t groups = 1;             // groups of the blocked layouts: the problem's, or 1 when depthwise
    bool depthwise = false;         // one channel per lane: in and out blocks are the same channels
    int64_t chunk_blocks = 0;       // reduction blocks per pass over a task's tiles (all: no chunking)
    int64_t row_group = 1;          // tile rows per task, whose tiles share each chunk of the weights
    int64_t tiles_per_row = 1;      // the widest stride phase's tiles: a row's share of the task buffer
    int64_t buffer_tiles = 1;       // tiles in the task buffer: row_group * tiles_per_row when chunked, else 1
    bool flat_1x1 = false;          // an unpadded 1x1 problem as one row of oh*ow pixels per image
    bool dense = true;              // flat_1x1: its input pixels are its output pixels (else gathered / scattered)
    bool blocked_out = false;       // direct_native: tiles store into the blocked `out` plane, converted in stage_out
    std::vector<StridePhase> stride_phases;  // one for forward
    std::vector<std::pair<int, int64_t>> rows;  // (stride phase, row) of every tile row
};

// Backward weights: dw[oc lanes][ic][tap] += x[ic][pixel + tap] * dy[pixel][oc lanes].
struct WeightsGrad {
    Blocked x, dy;
    bool depthwise = false;  // x and dy blocked over all channels, dw[c][tap] per lane
    int nb = 1, parts = 1;   // register tile: nb dy blocks x (x.blk / parts) input channels
    bool ic_outer = false;   // tasks ordered by ic block before oc block group (x larger than dy)
    bool x_nchw = false;     // an unpadded 1x1 problem with whole input blocks reads x in place, unblocked
};

// The 1x1 fast path (no padding read), all three directions where it beats
// the engine and the weights-gradient kernel: per image and group Y = W . X over
// the output pixels, on NCHW directly (pointwise_kernels.hpp). When the input
// pixels are not the output pixels (stride, cropping), forward gathers X into
// a dense buffer and backward data scatters dX from one.
struct Pointwise {
    int64_t rows = 0, k = 0, pixels = 0;  // per group: output rows, reduction, output pixels
    bool dense = true;
    int mr = 8, nv = 3;                   // register tile: rows x pixel vectors (bwd_w: oc rows x ic rows)
    int64_t chunk_vectors = 0;            // bwd_w: pixel vectors per pass over the tiles
};

// Depthwise forward and backward weights on NCHW planes
// (depthwise_planes.hpp): a per-thread zero-padded copy of one channel's
// plane of x, each row split into its sw column stride phases of
// stride_phase_cols columns (column j of stride phase r is padded input
// column j*sw + r); backward weights' per-tap sums after it.
struct DepthwisePlanes {
    int64_t rows = 0, stride_phase_cols = 0, buffer_floats = 0;
};

// The one path a plan takes: the depthwise planes, the pointwise GEMM, the
// weights-gradient kernel or the tile engine. choose_path (plan.cpp) is the
// only place that orders them; the drivers (engine.hpp) run whichever it is.
using Path = std::variant<DepthwisePlanes, Pointwise, WeightsGrad, Engine>;

struct Plan {
    Problem p;
    Direction d = Direction::fwd;
    Layout layout;  // of the caller's tensors: the paths that read NCHW in place need nchw:oihw
    int threads = 1;
    // direct_native: the layout conversions are stages outside the timed
    // call, so no path reads NCHW in place to save one (the depthwise planes
    // give way to the channel lanes) and the engine's output stays blocked.
    bool staged = false;
    Isa isa = Isa::scalar;
    int lanes = 8;
    Path path;
    // Workspace, in floats, each part 64-byte aligned: the blocked input, the
    // blocked weights (bwd_w: the blocked dw), the bias, and the blocked
    // output (fwd, bwd_d: one tile buffer per thread, or all of it when
    // blocked_out; bwd_w: the blocked dy),
    // and a strided 1x1 problem's dense pixels (gathered x, or dx to scatter).
    int64_t off_in = 0, off_w = 0, off_bias = 0, off_out = 0, off_dense = 0, total_floats = 0;
};

// machine.isa is the kernels' ISA; its caches size the blocking. layout: the
// caller's tensors'. staged: direct_native's plan (Plan::staged). tile_rank:
// the engine's register tile is the model's choice (0) or the tile_rank-th of
// the close ones.
Plan make_plan(const Problem& p, Direction d, int threads, const Machine& machine, Layout layout = {},
               bool staged = false, int tile_rank = 0);
// How many tile ranks make_plan takes for this plan's problem: the close
// tiles of its engine, or 1 on the other paths.
int close_tiles(const Plan& plan);

}  // namespace convlab::direct
