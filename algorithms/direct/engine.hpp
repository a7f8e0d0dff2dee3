// The direct algorithm's drivers over one ISA's vector type V: the blocked
// layouts in, the micro-kernels over OpenMP tasks, the layouts out. Included
// after the ISA's target pragma, like kernels.hpp.
#pragma once

#include <omp.h>

#include <cstring>
#include <span>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/direct/depthwise_planes.hpp"
#include "algorithms/direct/kernels.hpp"
#include "algorithms/direct/pointwise.hpp"
#include "algorithms/direct/reorders.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab::direct {

template <class V, int RB, int STEP, size_t... I>
TileFn find_tile(Tile tile, std::index_sequence<I...>) {
    constexpr std::span<const Tile> tiles = register_tiles(V::lanes);
    TileFn fn = nullptr;
    ((tile == tiles[I] ? (fn = &conv_tile<V, tiles[I].nb, tiles[I].ur, RB, STEP>) : fn), ...);
    return fn;
}

template <class V, int RB, int STEP>
TileFn tile_fn(Tile tile) {
    TileFn fn = find_tile<V, RB, STEP>(tile, std::make_index_sequence<register_tiles(V::lanes).size()>());
    if (!fn) throw std::logic_error("direct: no kernel for the planned tile");
    return fn;
}

template <class V, int STEP, size_t... I>
TileFn find_depthwise_tile(Tile tile, std::index_sequence<I...>) {
    constexpr std::span<const Tile> tiles = register_tiles(V::lanes);
    TileFn fn = nullptr;
    ((tile.nb == 1 && tile == tiles[I] ? (fn = &depthwise_tile<V, tiles[I].ur, STEP>) : fn), ...);
    return fn;
}

// Full blocks with stride 1 or 2 get the constant-offset kernels.
template <class V>
TileFn tile_fn(const Engine& e) {
    constexpr int L = V::lanes;
    if (e.depthwise) {
        constexpr auto all = std::make_index_sequence<register_tiles(L).size()>();
        TileFn fn = e.in_col_step == 1   ? find_depthwise_tile<V, L>(e.tile, all)
                    : e.in_col_step == 2 ? find_depthwise_tile<V, 2 * L>(e.tile, all)
                                         : find_depthwise_tile<V, 0>(e.tile, all);
        if (!fn) throw std::logic_error("direct: no depthwise kernel for the planned tile");
        return fn;
    }
    if (e.in.blk != L) return tile_fn<V, 0, 0>(e.tile);
    if (e.in_col_step == 1) return tile_fn<V, L, L>(e.tile);
    if (e.in_col_step == 2) return tile_fn<V, L, 2 * L>(e.tile);
    return tile_fn<V, L, 0>(e.tile);
}

// The weights-gradient kernels: nb = 1 for rh up to the lanes, 2 up to half
// and 4 up to a quarter of them (register budgets); on blocked or NCHW x.
template <class V, bool XS, size_t... I>
GradFn grad_fn(int nb, int64_t rh, std::index_sequence<I...>) {
    constexpr int L = V::lanes;
    GradFn fn = nullptr;
    ((nb == 1 && rh == int64_t(I) + 1 ? (fn = &weights_grad_tile<V, 1, int(I) + 1, XS>) : fn), ...);
    ((nb == 2 && rh == int64_t(I) + 1 && I < L / 2 ? (fn = &weights_grad_tile<V, 2, std::min(int(I) + 1, L / 2), XS>)
                                                    : fn),
     ...);
    ((nb == 4 && rh == int64_t(I) + 1 && I < L / 4 ? (fn = &weights_grad_tile<V, 4, std::min(int(I) + 1, L / 4), XS>)
                                                    : fn),
     ...);
    if (!fn) throw std::logic_error("direct: no weights-gradient kernel for the planned tile");
    return fn;
}

// One tile from the buffer [nb][ur][L] into the output's rows: lane l of
// block b is the channel `channel_stride * (b * L + l)` floats on; pixel j is
// j * col_step. In NHWC (channel_stride 1) each pixel's lanes are one run.
template <class V>
void store_tile(const float* buf, Tile tile, float* out, int64_t channel_stride, int64_t col_step, int64_t cols,
                int64_t channels) {
    constexpr int L = V::lanes;
    for (int b = 0; b < tile.nb; ++b) {
        const int64_t lanes = std::min<int64_t>(L, channels - b * L);
        const float* src = buf + b * tile.ur * L;
        float* dst = out + b * L * channel_stride;
        if (channel_stride == 1) {
            for (int64_t j = 0; j < cols; ++j)
                for (int64_t l = 0; l < lanes; ++l) dst[j * col_step + l] = src[j * L + l];
        } else {
            for (int64_t l = 0; l < lanes; ++l)
                for (int64_t j = 0; j < cols; ++j) dst[l * channel_stride + j * col_step] = src[j * L + l];
        }
    }
}

// Tasks: images x groups x row groups x lane-block groups, in the order the
// plan chose; each task runs its rows' tiles left to right, one reduction
// chunk at a time (plan.hpp), and stores each tile into `out` (strides os,
// planes dst_h x dst_w) after its last chunk, or (blocked_out) keeps every
// chunk's sums in the blocked `out`.
template <class V>
void run_engine(const Engine& e, const Problem& p, int threads, const float* in, const float* w, const float* bias,
                float* task_buffers, float* out, const Strides& os) {
    constexpr int L = V::lanes;
    const TileFn fn = tile_fn<V>(e);
    TileCtx base;
    base.red_blk = e.in.blk;
    base.in_blk_stride = e.in.plane();
    base.w_blk_stride = e.taps_total * e.in.blk * L;
    base.w_out_stride = e.depthwise ? e.taps_total * L : e.in.blocks * base.w_blk_stride;
    base.out_blk_stride = e.blocked_out ? e.out.plane() : e.tile.ur * L, base.out_col_stride = L;
    const int64_t groups = e.groups;
    base.in_col_step = e.in_col_step * e.in.blk;
    const int64_t tile_floats = int64_t(e.tile.nb) * e.tile.ur * L, row_floats = e.tiles_per_row * tile_floats;
    const int64_t buffer_floats = (e.buffer_tiles * tile_floats + 15) / 16 * 16;
    const int64_t lane_groups = e.out.blocks / e.tile.nb, all_rows = int64_t(e.rows.size());
    const int64_t rows = (all_rows + e.row_group - 1) / e.row_group;  // row groups per image and group
    const int64_t tasks = p.mb * groups * rows * lane_groups;
    const int64_t red_blocks = e.depthwise ? 1 : e.in.blocks, chunk = e.depthwise ? 1 : e.chunk_blocks;
    const bool chunked = chunk < red_blocks;  // else one tile's slot serves every tile
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t task = 0; task < tasks; ++task) {
        float* buf = e.blocked_out ? nullptr : task_buffers + omp_get_thread_num() * buffer_floats;
        // rows_outer: (image, group, row group, lane group); else (group, lane
        // group, image, row group), so that one lane group's weights serve every image.
        int64_t n, grp, row_group, lg;
        if (e.rows_outer) {
            row_group = task / lane_groups % rows, lg = task % lane_groups;
            grp = task / (lane_groups * rows) % groups, n = task / (lane_groups * rows * groups);
        } else {
            row_group = task % rows, n = task / rows % p.mb;
            lg = task / (rows * p.mb) % lane_groups, grp = task / (rows * p.mb * lane_groups);
        }
        const int64_t ng = n * groups + grp;
        const int64_t lane_block = grp * e.out.blocks + lg * e.tile.nb;
        const int64_t first_channel = lg * e.tile.nb * L, channels = e.out.channels - first_channel;
        const int64_t row0 = row_group * e.row_group, row1 = std::min(all_rows, row0 + e.row_group);
        const float* w_blk = w + lane_block * base.w_out_stride;
        const float* b_blk = bias ? bias + lane_block * L : nullptr;
        const float* in_image = in + (ng * e.in.blocks + (e.depthwise ? lg : 0)) * e.in.plane();
        for (int64_t k0 = 0; k0 < red_blocks; k0 += chunk) {
            TileCtx c = base;
            c.n_red = std::min(chunk, red_blocks - k0);
            c.accumulate = k0 > 0;
            const bool last = k0 + chunk >= red_blocks;
            for (int64_t row = row0; row < row1; ++row) {
                const auto [stride_phase, r] = e.rows[row];
                const StridePhase& ph = e.stride_phases[stride_phase];
                c.taps = ph.taps.data(), c.n_taps = int64_t(ph.taps.size());
                const float* in_row = in_image + k0 * base.in_blk_stride + r * e.in_row_step * e.in.w * e.in.blk;
                const int64_t out_r = ph.out_row0 + r * ph.out_row_step;
                if (e.blocked_out) {  // the sums, of every chunk, in place in the blocked output
                    float* out_blocked = out + ((ng * e.out.blocks + lg * e.tile.nb) * e.out.h + out_r) * e.out.w * L
                                       + ph.out_col0 * L;
                    c.out_col_stride = ph.out_col_step * L;
                    for (int64_t t0 = 0; t0 < ph.cols; t0 += e.tile.ur)
                        fn(c, in_row + t0 * base.in_col_step, w_blk + k0 * base.w_blk_stride, b_blk,
                           out_blocked + t0 * c.out_col_stride);
                    continue;
                }
                float* row_buf = buf + (row - row0) * row_floats;
                float* out_row = out + n * os[0] + (grp * e.out.channels + first_channel) * os[1] + out_r * os[2]
                               + ph.out_col0 * os[3];
                const int64_t col_step = ph.out_col_step * os[3];
                for (int64_t t0 = 0; t0 < ph.cols; t0 += e.tile.ur) {
                    float* sums = chunked ? row_buf + t0 / e.tile.ur * tile_floats : buf;
                    fn(c, in_row + t0 * base.in_col_step, w_blk + k0 * base.w_blk_stride, b_blk, sums);
                    if (last)
                        store_tile<V>(sums, e.tile, out_row + t0 * col_step, os[1], col_step,
                                      std::min<int64_t>(e.tile.ur, ph.real_cols - t0), channels);
                }
            }
        }
    }
}

// Each thread owns a contiguous range of (group, oc block group, ic block,
// channel part, tap) tasks, or (group, ic block, oc block group, ...) when x
// is the larger tensor, so that the threads split the larger one between
// them instead of each streaming all of it from memory. Each result is summed
// over images, rows and columns in that order, so it depends neither on the
// thread count nor on the register tile.
template <class V>
void run_weights_grad(const WeightsGrad& g, const Problem& p, int threads, const float* x, const float* dy, float* dw) {
    constexpr int L = V::lanes;
    const int nb = g.nb;
    const int64_t rh = g.x.blk / g.parts, parts = g.parts;
    const GradFn fn = g.x_nchw ? grad_fn<V, true>(nb, rh, std::make_index_sequence<L>())
                               : grad_fn<V, false>(nb, rh, std::make_index_sequence<L>());
    GradCtx c;
    if (g.x_nchw) c.x_row_stride = p.sh * p.iw, c.x_col_stride = p.sw, c.x_chan_stride = p.ih * p.iw;
    else c.x_row_stride = p.sh * g.x.w * g.x.blk, c.x_col_stride = p.sw * g.x.blk;
    c.dy_row_stride = p.ow * L, c.ow = p.ow;
    c.dy_blk_stride = g.dy.plane();
    const int64_t taps = p.kh * p.kw, block_floats = taps * g.x.blk * L;
    c.dw_blk_stride = g.x.blocks * block_floats;
    const int64_t oc_groups = g.dy.blocks / nb, tasks = p.g * oc_groups * g.x.blocks * parts * taps;
    const int64_t chunk = std::max<int64_t>(1, (64 + p.ow - 1) / p.ow);  // rows per call: >= 64 pixels
#pragma omp parallel num_threads(threads)
    {
        const int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
        const int64_t first = tasks * tid / nt, last = tasks * (tid + 1) / nt;
        for (int64_t n = 0; n < p.mb; ++n)
            for (int64_t oh0 = 0; oh0 < p.oh; oh0 += chunk) {
                const int64_t rows = std::min(chunk, p.oh - oh0);
                for (int64_t task = first; task < last; ++task) {
                    const int64_t tap = task % taps, part = task / taps % parts, rest = task / (taps * parts);
                    const int64_t ib = g.ic_outer ? rest / oc_groups % g.x.blocks : rest % g.x.blocks;
                    const int64_t og = g.ic_outer ? rest % oc_groups : rest / g.x.blocks % oc_groups;
                    const int64_t grp = rest / (g.x.blocks * oc_groups);
                    const int64_t kh = tap / p.kw, kw = tap % p.kw, ob = og * nb, i0 = part * rh;
                    const float* xp =
                        g.x_nchw ? x + ((n * p.g + grp) * p.icg() + ib * g.x.blk + i0) * p.ih * p.iw + oh0 * p.sh * p.iw
                                 : x + ((n * p.g + grp) * g.x.blocks + ib) * g.x.plane()
                                       + ((oh0 * p.sh + kh * (p.dh + 1)) * g.x.w + kw * (p.dw + 1)) * g.x.blk + i0;
                    const float* dp = dy + ((n * p.g + grp) * g.dy.blocks + ob) * g.dy.plane() + oh0 * p.ow * L;
                    float* dwp = dw + ((grp * g.dy.blocks + ob) * g.x.blocks + ib) * block_floats
                               + (tap * g.x.blk + i0) * L;
                    fn(c, xp, dp, dwp, rows, n == 0 && oh0 == 0);
                }
            }
    }
}

template <class V, size_t... I>
DepthwiseGradFn depthwise_grad_fn(int64_t taps, std::index_sequence<I...>) {
    DepthwiseGradFn fn = nullptr;
    ((taps == int64_t(I) + 1 ? (fn = &depthwise_grad_rows<V, int(I) + 1>) : fn), ...);
    return fn;
}

// Each thread owns a contiguous range of channel blocks and sums their dw
// over images, rows and columns in that order (as run_weights_grad).
template <class V>
void run_depthwise_grad(const WeightsGrad& g, const Problem& p, int threads, const float* x, const float* dy,
                        float* dw) {
    constexpr int L = V::lanes, most = 12;  // taps per pass: accumulators in registers
    const int64_t taps = p.kh * p.kw;
    std::vector<int64_t> offsets(taps);
    for (int64_t t = 0; t < taps; ++t)
        offsets[t] = ((t / p.kw) * (p.dh + 1) * g.x.w + (t % p.kw) * (p.dw + 1)) * L;
    DepthwiseGradCtx c;
    c.x_row_stride = p.sh * g.x.w * L, c.x_col_stride = p.sw * L;
    c.dy_row_stride = p.ow * L, c.ow = p.ow;
    const int64_t blocks = g.dy.blocks, chunk = std::max<int64_t>(1, (64 + p.ow - 1) / p.ow);
#pragma omp parallel num_threads(threads)
    {
        const int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
        const int64_t first = blocks * tid / nt, last = blocks * (tid + 1) / nt;
        std::memset(dw + first * taps * L, 0, sizeof(float) * (last - first) * taps * L);
        DepthwiseGradCtx ct = c;
        for (int64_t n = 0; n < p.mb; ++n)
            for (int64_t oh0 = 0; oh0 < p.oh; oh0 += chunk) {
                const int64_t rows = std::min(chunk, p.oh - oh0);
                for (int64_t cb = first; cb < last; ++cb)
                    for (int64_t t0 = 0; t0 < taps; t0 += most) {
                        const int64_t count = std::min<int64_t>(most, taps - t0);
                        ct.tap_offsets = offsets.data() + t0;
                        const float* xp = x + (n * g.x.blocks + cb) * g.x.plane() + oh0 * c.x_row_stride;
                        const float* dp = dy + (n * blocks + cb) * g.dy.plane() + oh0 * c.dy_row_stride;
                        depthwise_grad_fn<V>(count, std::make_index_sequence<most>())(ct, xp, dp,
                                                                                       dw + (cb * taps + t0) * L, rows);
                    }
            }
    }
}

// Which parts of a call to run (dispatch.hpp's Stage).
struct Stages {
    bool in, conv, out;
    explicit Stages(Stage stage)
        : in(stage == Stage::all || stage == Stage::in), conv(stage == Stage::all || stage == Stage::conv),
          out(stage == Stage::all || stage == Stage::out) {}
};

// The pointwise and depthwise-plane paths read NCHW in place (the plan takes
// them in nchw:oihw only): they have no stage but conv.
template <class V>
void run_path(const Plan& plan, const Pointwise& pw, const ConvArgs& a, Stages stages) {
    if (stages.conv) run_pointwise<V>(plan, pw, a);
}

template <class V>
void run_path(const Plan& plan, const DepthwisePlanes& dp, const ConvArgs& a, Stages stages) {
    if (!stages.conv) return;
    {
        TimingPhaseScope scope(a.timing_phases, "conv");
        if (plan.d == Direction::fwd) return run_depthwise_planes<V>(plan, dp, a);
        run_depthwise_planes_grad<V>(plan, dp, a);
    }
    if (a.db) {
        TimingPhaseScope scope(a.timing_phases, "bias");
        bias_gradient(plan.p, a.dy, a.db);
    }
}

template <class V>
void run_path(const Plan& plan, const WeightsGrad& g, const ConvArgs& a, Stages stages) {
    const Problem& p = plan.p;
    const int T = plan.threads;
    float* ws = reinterpret_cast<float*>(a.workspace);
    float *x = ws + plan.off_in, *dw = ws + plan.off_w, *dy = ws + plan.off_out;
    const int64_t groups = g.depthwise ? 1 : p.g;
    const bool nhwc = plan.layout.activations == ActivationLayout::nhwc;
    if (stages.in) {
        TimingPhaseScope scope(a.timing_phases, "reorder_in");
        if (!g.x_nchw) to_blocked(a.x, activation_strides(plan, p.ic, p.ih, p.iw), p.mb, groups, p.ih, p.iw, g.x, x, T);
        to_blocked(a.dy, activation_strides(plan, p.oc, p.oh, p.ow), p.mb, groups, p.oh, p.ow, g.dy, dy, T);
    }
    if (stages.conv) {
        TimingPhaseScope scope(a.timing_phases, "conv");
        if (g.depthwise) run_depthwise_grad<V>(g, p, T, x, dy, dw);
        else run_weights_grad<V>(g, p, T, g.x_nchw ? a.x : x, dy, dw);
    }
    if (stages.out) {
        TimingPhaseScope scope(a.timing_phases, "reorder_out");
        if (g.depthwise) depthwise_weights_from_blocked(dw, p, g.dy, a.dw, weight_strides(plan));
        else weights_from_blocked(dw, p, g.x, g.dy, a.dw, weight_strides(plan), T);
    }
    if (stages.conv && a.db) {
        TimingPhaseScope scope(a.timing_phases, "bias");
        if (nhwc) bias_gradient_nhwc(p, a.dy, a.db);
        else bias_gradient(p, a.dy, a.db);
    }
}

template <class V>
void run_path(const Plan& plan, const Engine& e, const ConvArgs& a, Stages stages) {
    const Problem& p = plan.p;
    const int T = plan.threads;
    float* ws = reinterpret_cast<float*>(a.workspace);
    float *in = ws + plan.off_in, *w = ws + plan.off_w, *bias = ws + plan.off_bias, *out = ws + plan.off_out;
    const bool fwd = plan.d == Direction::fwd;
    float* dense = ws + plan.off_dense;
    const bool gathered = e.flat_1x1 && !e.dense;
    // The engine's source and destination planes in the case's layout (a
    // flat 1x1 engine's are its planes as one row; gathered, the dense pixels').
    const int64_t in_channels = fwd ? p.ic : p.oc, out_channels = fwd ? p.oc : p.ic;
    const Strides src = activation_strides(plan, in_channels, e.src_h, e.src_w);
    const Strides dst = activation_strides(plan, out_channels, e.dst_h, e.dst_w);
    const Strides x_strides = activation_strides(plan, p.ic, p.ih, p.iw);
    if (stages.in) {
        TimingPhaseScope scope(a.timing_phases, "reorder_in");
        if (fwd && gathered) gather_pixels(a.x, x_strides, p, src, dense, T);
        to_blocked(fwd ? (gathered ? dense : a.x) : a.dy, src, p.mb, e.groups, e.src_h, e.src_w, e.in, in, T);
        if (e.depthwise) depthwise_weights_to_blocked(a.w, weight_strides(plan), p, e.out, w);
        else weights_to_blocked(a.w, weight_strides(plan), p, e.in, e.out, !fwd, w, T);
        if (fwd) bias_to_blocked(a.b, e.groups, e.out, bias);
    }
    float* plain_out = fwd ? a.y : (gathered ? dense : a.dx);  // in the case's layout (strides dst)
    if (stages.conv) {
        // The tiles go straight to the output in the case's layout, or stay blocked for stage_out.
        TimingPhaseScope scope(a.timing_phases, "conv");
        run_engine<V>(e, p, T, in, w, fwd ? bias : nullptr, out, e.blocked_out ? out : plain_out, dst);
    }
    if (stages.out && (e.blocked_out || (!fwd && gathered))) {
        TimingPhaseScope scope(a.timing_phases, "reorder_out");
        if (e.blocked_out) from_blocked(out, p.mb, e.groups, e.dst_h, e.dst_w, e.out, plain_out, dst, T);
        if (!fwd && gathered) scatter_pixels(dense, dst, p, x_strides, a.dx, T);
    }
}

// One stage of a call, or all of it, on the plan's path.
template <class V>
void run_plan(const Plan& plan, const ConvArgs& a, Stage stage) {
    std::visit([&](const auto& path) { run_path<V>(plan, path, a, Stages(stage)); }, plan.path);
}

}  // namespace convlab::direct
