#include "algorithms/direct/plan.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace convlab::direct {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// The reduction side keeps a group's channels in blocks of `lanes`, or in one
// block of its own size when it has fewer (conv1's 3 input channels).
Blocked reduction_side(int64_t channels, int lanes) {
    Blocked b;
    b.channels = channels;
    b.blk = channels >= lanes ? lanes : channels;
    b.blocks = ceil_div(channels, b.blk);
    return b;
}

Blocked lane_side(int64_t channels, int lanes) {
    Blocked b;
    b.channels = channels;
    b.blk = lanes;
    b.blocks = ceil_div(channels, lanes);
    return b;
}

// What the plan keeps in each cache, as fractions of the machine's: tuned on
// a 48 KiB L1d and a 1.25 MiB L2, where they were 16 KiB and 256, 512 and
// 768 KiB.
struct Budgets {
    int64_t tile_weights;  // one tile's weights, beside the rows streaming past: 3/5 of L2
    int64_t all_weights;   // every weight, kept while the rows go by in task order: 2/5 of L2
    int64_t reduction;     // a 1x1 tile's weights before its reduction runs in chunks: 1/5 of L2
    int64_t chunk;         // a reduction chunk's weights, beside the input and the task buffer: 1/3 of L1
    int64_t pointwise_x;   // the x rows one pass of pointwise backward weights reads: 1/5 of L2
    explicit Budgets(const Machine& m)
        : tile_weights(m.l2_bytes * 3 / 5), all_weights(m.l2_bytes * 2 / 5), reduction(m.l2_bytes / 5),
          chunk(m.l1d_bytes / 3), pointwise_x(m.l2_bytes / 5) {}
};

// Register tiles (lane blocks x pixels) for rows of `cols` pixels, scored:
// enough accumulators to hide the FMA latency (14 of 32 registers, 12 of
// 16), little of the last tile wasted, and one tile's weights (nb *
// block_weight_bytes) small enough to stay in L2 while the rows stream past.
// The best first (a tie to the earlier tile of register_tiles), then those
// scored within 10% of it, at most three: the model cannot tell these apart,
// and prepare may time them (tuning.hpp).
std::vector<Tile> tiles_close_to_best(int64_t cols, int64_t lane_blocks, int lanes, int64_t block_weight_bytes,
                              const Budgets& budgets) {
    const double full = lanes == 16 ? 14.0 : 12.0;
    std::vector<std::pair<double, Tile>> scored;
    for (const Tile tile : register_tiles(lanes)) {
        if (lane_blocks % tile.nb != 0) continue;
        const double used = double(cols) / double(round_up(cols, tile.ur));
        double score = used * std::min(1.0, tile.nb * tile.ur / full);
        if (tile.nb > 1 && tile.nb * block_weight_bytes > budgets.tile_weights) score *= 0.7;
        scored.emplace_back(score, tile);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first + 1e-9; });
    std::vector<Tile> close;
    for (const auto& [score, tile] : scored)
        if (close.size() < 3 && score >= 0.9 * scored.front().first) close.push_back(tile);
    return close;
}

// The rank-th of the close tiles (the last when there are fewer), and how many there are.
Tile choose_tile(Engine& e, int rank, int64_t cols, int64_t lane_blocks, int lanes, int64_t block_weight_bytes,
                 const Budgets& budgets) {
    const std::vector<Tile> close = tiles_close_to_best(cols, lane_blocks, lanes, block_weight_bytes, budgets);
    e.close_tiles = int(close.size());
    return close[std::min<size_t>(rank, close.size() - 1)];
}

// Each tap's offset in the padded input plane, once its width is known.
void place_taps(Engine& e) {
    for (auto& ph : e.stride_phases)
        for (auto& t : ph.taps) t.in_off = (t.row * e.in.w + t.col) * e.in.blk;
}

void list_rows(Engine& e) {
    for (int ph = 0; ph < int(e.stride_phases.size()); ++ph)
        for (int64_t r = 0; r < e.stride_phases[ph].rows; ++r) e.rows.emplace_back(ph, r);
}

// Rows then lane blocks keeps a few input rows hot while the weights come
// from L2; the reverse keeps one lane block's weights hot when all of them
// would not fit.
bool rows_outer(const Engine& e, const Budgets& budgets) {
    const int64_t weight_bytes = e.out.blocks * e.in.blocks * e.taps_total * e.in.blk * e.out.blk * 4;
    return weight_bytes <= budgets.all_weights;
}

bool unpadded_1x1(const Problem& p) {
    return p.kh == 1 && p.kw == 1 && p.ph == 0 && p.pw == 0 && p.ph_bottom() <= 0 && p.pw_right() <= 0;
}

// A 1x1 problem without padding as one row of oh*ow pixels per image (its
// input gathered to those pixels first when strided or cropped), so a 7x7
// plane fills whole tiles (no rounding of each row to the tile width).
// Backward data computes that row of dx's pixels and scatters it.
Engine flat_engine(const Problem& p, Direction d, int lanes, const Budgets& budgets, int rank) {
    Engine e;
    const bool fwd = d == Direction::fwd;
    e.in = reduction_side(fwd ? p.icg() : p.ocg(), lanes);
    e.out = lane_side(fwd ? p.ocg() : p.icg(), lanes);
    e.taps_total = 1;
    e.flat_1x1 = true;
    e.dense = p.sh == 1 && p.sw == 1 && p.oh == p.ih && p.ow == p.iw;
    const int64_t pixels = p.oh * p.ow;
    e.tile = choose_tile(e, rank, pixels, e.out.blocks, lanes, int64_t(e.in.blocks) * e.in.blk * lanes * 4, budgets);
    e.in.h = 1, e.in.w = round_up(pixels, e.tile.ur);
    e.out.h = 1, e.out.w = e.in.w;
    e.src_h = e.dst_h = 1, e.src_w = e.dst_w = pixels;
    StridePhase ph;
    ph.rows = 1, ph.cols = e.in.w, ph.real_cols = pixels;
    ph.taps.push_back({0, 0, 0, 0});
    e.stride_phases.push_back(ph);
    list_rows(e);
    e.rows_outer = rows_outer(e, budgets);
    return e;
}

Engine forward_engine(const Problem& p, int lanes, const Budgets& budgets, int rank) {
    if (unpadded_1x1(p)) return flat_engine(p, Direction::fwd, lanes, budgets, rank);
    Engine e;
    e.in = reduction_side(p.icg(), lanes);
    e.out = lane_side(p.ocg(), lanes);
    e.taps_total = p.kh * p.kw;
    e.tile = choose_tile(e, rank, p.ow, e.out.blocks, lanes, e.taps_total * e.in.blocks * e.in.blk * lanes * 4,
                         budgets);
    const int64_t owr = round_up(p.ow, e.tile.ur);
    e.in_row_step = p.sh, e.in_col_step = p.sw;
    e.in.h = (p.oh - 1) * p.sh + p.extent_h();
    e.in.w = (owr - 1) * p.sw + p.extent_w();
    e.in.top = p.ph, e.in.left = p.pw;
    e.out.h = p.oh, e.out.w = owr;
    e.src_h = p.ih, e.src_w = p.iw;
    e.dst_h = p.oh, e.dst_w = p.ow;
    StridePhase ph;
    ph.rows = p.oh, ph.cols = owr, ph.real_cols = p.ow;
    for (int64_t kh = 0; kh < p.kh; ++kh)
        for (int64_t kw = 0; kw < p.kw; ++kw)
            ph.taps.push_back({0, (kh * p.kw + kw) * e.in.blk * lanes, kh * (p.dh + 1), kw * (p.dw + 1)});
    e.stride_phases.push_back(ph);
    place_taps(e);
    list_rows(e);
    e.rows_outer = rows_outer(e, budgets);
    return e;
}

// Backward data by gathering, one stride phase at a time: dx rows rh + sh*t
// read dy rows t + ah for the taps kh with kh*(dh+1) = rh + ph (mod sh), so
// each stride phase is a stride-1 correlation of the (zero-padded) dy with a
// subset of the taps; a stride phase no tap reaches gets zeros.
Engine backward_data_engine(const Problem& p, int lanes, const Budgets& budgets, int rank) {
    if (unpadded_1x1(p)) return flat_engine(p, Direction::bwd_d, lanes, budgets, rank);
    Engine e;
    e.in = reduction_side(p.ocg(), lanes);
    e.out = lane_side(p.icg(), lanes);
    e.taps_total = p.kh * p.kw;
    const int64_t widest = ceil_div(p.iw, p.sw);  // the columns of stride phase 0, the widest
    e.tile = choose_tile(e, rank, widest, e.out.blocks, lanes, e.taps_total * e.in.blocks * e.in.blk * lanes * 4,
                         budgets);
    struct Offset { int64_t k, a; };
    auto offsets = [](int64_t r, int64_t pad, int64_t k_count, int64_t dil, int64_t s) {
        std::vector<Offset> list;
        for (int64_t k = 0; k < k_count; ++k) {
            const int64_t num = r + pad - k * (dil + 1);
            if (((num % s) + s) % s == 0) list.push_back({k, floor_div(num, s)});
        }
        return list;
    };
    int64_t top = 0, left = 0;
    for (int64_t r = 0; r < p.sh; ++r)
        for (auto o : offsets(r, p.ph, p.kh, p.dh, p.sh)) top = std::max(top, -o.a);
    for (int64_t r = 0; r < p.sw; ++r)
        for (auto o : offsets(r, p.pw, p.kw, p.dw, p.sw)) left = std::max(left, -o.a);
    int64_t in_h = 1, in_w = 1, out_w = p.iw;
    for (int64_t rh = 0; rh < std::min(p.sh, p.ih); ++rh)
        for (int64_t rw = 0; rw < std::min(p.sw, p.iw); ++rw) {
            StridePhase ph;
            ph.out_row0 = rh, ph.out_row_step = p.sh, ph.out_col0 = rw, ph.out_col_step = p.sw;
            ph.rows = ceil_div(p.ih - rh, p.sh);
            ph.real_cols = ceil_div(p.iw - rw, p.sw);
            ph.cols = round_up(ph.real_cols, e.tile.ur);
            out_w = std::max(out_w, rw + p.sw * (ph.cols - 1) + 1);
            for (auto oh : offsets(rh, p.ph, p.kh, p.dh, p.sh))
                for (auto ow : offsets(rw, p.pw, p.kw, p.dw, p.sw)) {
                    in_h = std::max(in_h, ph.rows + oh.a + top);
                    in_w = std::max(in_w, ph.cols + ow.a + left);
                    ph.taps.push_back({0, (oh.k * p.kw + ow.k) * e.in.blk * lanes, oh.a + top, ow.a + left});
                }
            e.stride_phases.push_back(ph);
        }
    e.in.h = in_h, e.in.w = in_w, e.in.top = top, e.in.left = left;
    place_taps(e);
    e.out.h = p.ih, e.out.w = out_w;
    e.src_h = p.oh, e.src_w = p.ow, e.dst_h = p.ih, e.dst_w = p.iw;
    list_rows(e);
    e.rows_outer = rows_outer(e, budgets);
    return e;
}

WeightsGrad weights_grad(const Problem& p, int lanes) {
    WeightsGrad g;
    g.x = reduction_side(p.icg(), lanes);
    g.x.h = (p.oh - 1) * p.sh + p.extent_h();
    g.x.w = (p.ow - 1) * p.sw + p.extent_w();
    g.x.top = p.ph, g.x.left = p.pw;
    g.dy = lane_side(p.ocg(), lanes);
    g.dy.h = p.oh, g.dy.w = p.ow;
    // Two dy blocks by half an input block: lanes / 2 + 2 loads per lanes
    // FMAs, instead of lanes + 1 with one dy block by a whole input block.
    // A small input block (conv1's 3 channels) takes 4 or 2 dy blocks, for
    // enough independent sums to hide the FMA latency.
    if (g.x.blk == lanes && g.dy.blocks % 2 == 0) g.nb = 2, g.parts = 2;
    else if (g.x.blk <= lanes / 4 && g.dy.blocks % 4 == 0) g.nb = 4;
    else if (g.x.blk <= lanes / 2 && g.dy.blocks % 2 == 0) g.nb = 2;
    g.ic_outer = g.x.floats(p.mb, p.g) > g.dy.floats(p.mb, p.g);
    g.x_nchw = unpadded_1x1(p) && p.icg() % g.x.blk == 0;
    return g;
}

int64_t aligned(int64_t floats) { return round_up(floats, 16); }

// A 1x1 tile whose weights outgrow their share of L2 (a reduction over 1024
// channels and more) runs its reduction in chunks of at most a third of L1
// of weights, over all the tiles of as many rows of one image as keep the
// task buffer within as much. Smaller and 3x3 reductions keep one pass:
// there, loading and storing the partial sums costs what the reuse of the
// weights from L1 saves.
void chunk_reduction(Engine& e, int lanes, const Budgets& budgets) {
    e.chunk_blocks = e.in.blocks;
    int64_t widest = 1;
    for (const auto& ph : e.stride_phases) widest = std::max(widest, ph.cols);
    e.tiles_per_row = ceil_div(widest, e.tile.ur);
    const int64_t block_bytes = int64_t(e.tile.nb) * e.taps_total * e.in.blk * lanes * 4;
    if (e.depthwise || e.taps_total != 1 || block_bytes * e.in.blocks <= budgets.reduction) return;
    const int64_t row_bytes = e.tiles_per_row * e.tile.nb * e.tile.ur * lanes * 4;
    e.row_group = std::clamp<int64_t>(budgets.chunk / row_bytes, 1, int64_t(e.rows.size()));
    if (e.row_group * e.tiles_per_row < 2) return void(e.row_group = 1);
    e.chunk_blocks = std::max<int64_t>(1, budgets.chunk / block_bytes);
    if (e.chunk_blocks < e.in.blocks) e.buffer_tiles = e.row_group * e.tiles_per_row;
}

bool is_depthwise(const Problem& p) { return p.g > 1 && p.icg() == 1 && p.ocg() == 1; }

// Depthwise: every channel of the image in the lanes (groups of one channel
// gathered into blocks), each lane its own channel's weights; no reduction
// across channels.
Blocked all_channels(const Blocked& plane, int64_t channels, int lanes) {
    Blocked b = lane_side(channels, lanes);
    b.h = plane.h, b.w = plane.w, b.top = plane.top, b.left = plane.left;
    return b;
}

void make_depthwise(Engine& e, const Problem& p, int lanes) {
    e.in = all_channels(e.in, p.ic, lanes);
    e.out = all_channels(e.out, p.oc, lanes);
    e.groups = 1, e.depthwise = true;
    place_taps(e);
}

// 1x1 without padding, and pixel rows that fill the vectors (a 7x7 plane's
// 49 pixels would leave a quarter of the lanes idle: the engine, whose
// pointwise planes fill whole tiles, does better there).
std::optional<Pointwise> pointwise(const Problem& p, Direction d, int lanes, const Budgets& budgets) {
    Pointwise pw;
    const int64_t pixels = p.oh * p.ow;
    const double used = double(pixels) / double(round_up(pixels, lanes));
    if (!unpadded_1x1(p) || used < 0.9 || is_depthwise(p)) return std::nullopt;
    const bool fwd = d == Direction::fwd;
    pw.rows = fwd || d == Direction::bwd_w ? p.ocg() : p.icg();
    pw.k = fwd || d == Direction::bwd_w ? p.icg() : p.ocg();
    pw.pixels = pixels;
    pw.dense = p.sh == 1 && p.sw == 1 && p.oh == p.ih && p.ow == p.iw;
    pw.mr = lanes == 16 ? 8 : 4, pw.nv = 3;
    if (d == Direction::bwd_w) {
        // A pass over the tiles reads chunk_vectors of every x row: keep them
        // in L2, yet give each tile enough pixels to amortize the sums across
        // lanes at its end.
        pw.mr = lanes == 16 ? 4 : 2;
        pw.chunk_vectors = std::clamp<int64_t>(budgets.pointwise_x / (pw.k * lanes * 4), 8, 64);
        // Against the engine's kernel, which reads such an x in place too
        // (ResNet-50's 1x1 layers): ahead with 64 input channels, behind with
        // more, strided or not.
        if (pw.k > 64) return std::nullopt;
    }
    return pw;
}

// Depthwise forward and backward weights on planes, unless their rows would
// fill less than half a vector (a 7x7 plane: the engine's channel lanes do
// better there).
std::optional<DepthwisePlanes> depthwise_planes(const Problem& p, Direction d, int lanes) {
    if (!is_depthwise(p) || d == Direction::bwd_d || 2 * p.ow < lanes) return std::nullopt;
    DepthwisePlanes dp;
    dp.rows = (p.oh - 1) * p.sh + p.extent_h();
    dp.stride_phase_cols = round_up(p.ow, lanes) + (p.extent_w() - 1) / p.sw + 1;
    dp.buffer_floats = aligned(dp.rows * p.sw * dp.stride_phase_cols);
    return dp;
}

WeightsGrad weights_grad_path(const Problem& p, int lanes) {
    WeightsGrad g = weights_grad(p, lanes);
    if (is_depthwise(p))
        g.x = all_channels(g.x, p.ic, lanes), g.dy = all_channels(g.dy, p.oc, lanes), g.depthwise = true,
        g.x_nchw = false;
    return g;
}

Engine engine_path(const Problem& p, Direction d, int lanes, const Budgets& budgets, bool staged, int rank) {
    Engine e = d == Direction::fwd ? forward_engine(p, lanes, budgets, rank) : backward_data_engine(p, lanes, budgets, rank);
    e.groups = p.g;
    if (is_depthwise(p)) make_depthwise(e, p, lanes);
    chunk_reduction(e, lanes, budgets);
    e.blocked_out = staged;
    return e;
}

// The precedence of the paths (Path in plan.hpp), written here only. The
// depthwise planes, the pointwise GEMM and bwd_w's in-place x read NCHW
// planes: in another layout the blocked route runs instead. The depthwise
// planes also save the conversions of x and y (or dy) that a staged plan does
// outside the timed call: there the channel lanes run at memory speed instead.
Path choose_path(const Problem& p, Direction d, int lanes, const Budgets& budgets, bool nchw, bool staged, int rank) {
    if (!staged && nchw)
        if (auto planes = depthwise_planes(p, d, lanes)) return *planes;
    if (auto pw = pointwise(p, d, lanes, budgets); pw && nchw) return *pw;
    if (d == Direction::bwd_w) {
        WeightsGrad g = weights_grad_path(p, lanes);
        g.x_nchw = g.x_nchw && nchw;
        return g;
    }
    return engine_path(p, d, lanes, budgets, staged, rank);
}

// Workspace floats of each part (Plan's offsets) on each path.
struct Parts {
    int64_t in = 0, w = 0, bias = 0, out = 0, dense = 0;
};

Parts parts_of(const DepthwisePlanes& dp, const Problem& p, Direction d, int threads, int lanes) {
    // Backward weights adds each thread's sums per tap.
    return {.in = threads * (dp.buffer_floats + (d == Direction::bwd_w ? aligned(p.kh * p.kw * lanes) : 0))};
}

Parts parts_of(const Pointwise& pw, const Problem& p, Direction d, int, int) {
    Parts parts;
    if (d != Direction::bwd_w) parts.w = p.g * pw.rows * pw.k;
    if (!pw.dense) (d == Direction::bwd_d ? parts.out : parts.in) = p.mb * p.ic * pw.pixels;  // gathered x, or dx to scatter
    return parts;
}

Parts parts_of(const WeightsGrad& g, const Problem& p, Direction, int, int lanes) {
    const int64_t groups = g.depthwise ? 1 : p.g;
    Parts parts;
    parts.in = g.x_nchw ? 0 : g.x.floats(p.mb, groups);
    parts.out = g.dy.floats(p.mb, groups);
    parts.w = groups * g.dy.blocks * (g.depthwise ? 1 : g.x.blocks * g.x.blk) * p.kh * p.kw * lanes;
    return parts;
}

Parts parts_of(const Engine& e, const Problem& p, Direction, int threads, int lanes) {
    Parts parts;
    parts.in = e.in.floats(p.mb, e.groups);
    parts.out = e.blocked_out ? e.out.floats(p.mb, e.groups)
                              : threads * aligned(e.buffer_tiles * e.tile.nb * e.tile.ur * lanes);  // one task buffer per thread
    parts.w = e.groups * e.out.blocks * (e.depthwise ? 1 : e.in.blocks * e.in.blk) * e.taps_total * lanes;
    parts.bias = e.groups * e.out.blocks * lanes;
    if (e.flat_1x1 && !e.dense) parts.dense = p.mb * p.ic * p.oh * p.ow;  // gathered x, or dx before its scatter
    return parts;
}

}  // namespace

Plan make_plan(const Problem& p, Direction d, int threads, const Machine& machine, Layout layout, bool staged,
               int tile_rank) {
    Plan plan;
    plan.p = p, plan.d = d, plan.threads = std::max(1, threads), plan.isa = machine.isa, plan.lanes = lanes(machine.isa);
    plan.layout = layout;
    plan.staged = staged;
    plan.path = choose_path(p, d, plan.lanes, Budgets(machine), layout == Layout{}, staged, tile_rank);
    const Parts parts =
        std::visit([&](const auto& path) { return parts_of(path, p, d, plan.threads, plan.lanes); }, plan.path);
    plan.off_in = 0;
    plan.off_w = plan.off_in + aligned(parts.in);
    plan.off_bias = plan.off_w + aligned(parts.w);
    plan.off_out = plan.off_bias + aligned(parts.bias);
    plan.off_dense = plan.off_out + aligned(parts.out);
    plan.total_floats = plan.off_dense + aligned(parts.dense);
    return plan;
}

int close_tiles(const Plan& plan) {
    const Engine* e = std::get_if<Engine>(&plan.path);
    return e ? e->close_tiles : 1;
}

}  // namespace convlab::direct
