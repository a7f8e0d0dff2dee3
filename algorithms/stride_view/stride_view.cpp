// stride_view: convolution as a contraction of a zero-copy strided window view
// of the input (numpy's as_strided, window_view.hpp) with
// the weights, tensordot style, without materialising a column matrix.
//
//   fwd:   y[n][oc][oh][ow] = b[oc] + Σ_(c,kh,kw) w[oc][c][kh][kw] · view[n][c][oh][ow][kh][kw]
//   bwd_w: dw[oc][c][kh][kw] = Σ_(n,oh,ow) dy[n][oc][oh][ow] · view[n][c][oh][ow][kh][kw]
//   bwd_d: rot180 full convolution (common/full_conv.hpp) run through this forward.
//
// Padding: the input is copied once into a zero-bordered buffer in the
// workspace, and the view lies over that (over x itself when no padding is
// positive: 1x1 layers, "valid" convolutions). The alternative, splitting each
// output row into an interior part (all taps in bounds, a pure view) and
// border parts, saves that copy but puts a bounds branch or a second kernel in
// every tile; the copy costs O(input) against the contraction's
// O(input · oc · kh · kw / stride²), so the simple, branch-free kernel wins.
//
// The kernel: a tile of OCB output channels × OWB consecutive outputs of one
// output row is held in registers while the loop runs over (c, kh, kw); at
// each tap one strided row of the view (contiguous when sw == 1, so it
// vectorises into plain loads) is multiplied by OCB broadcast weights and
// accumulated, an AXPY per output channel. Tiles are independent, so OpenMP
// runs over (n, output row, group, oc block) with no reduction at all.
// Why not cblas_sgemm on view slices: for fixed (kh, kw) and sw == 1 a view
// row slice [c][ow] is a matrix with leading dimension H·W and could feed a
// GEMM, but the weights would need repacking to [kh][kw][oc][c], each GEMM is
// only ow columns wide, and sw > 1 has no BLAS form at all (BLAS needs unit
// stride in one dimension); the one hand kernel covers every stride.
//
// bwd_w contracts the same view over (n, oh, ow) instead: each work item owns
// a block of whole dw elements and sums them in a fixed order, so results are
// bit-identical on repeat and do not depend on the thread count. That kernel
// is in stride_view_bwd_w.cpp, the vector loads both kernels share in
// common/simd.hpp; this file holds the forward kernel and the Algorithm.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "algorithms/algorithm.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/common/full_conv.hpp"
#include "algorithms/common/simd.hpp"
#include "algorithms/stride_view/stride_view_bwd_w.hpp"
#include "algorithms/stride_view/window_view.hpp"

namespace convlab {

namespace {

// Output channels per work item of the forward pass (split into tiles of
// 16, 8, 4, 2, 1).
constexpr int forward_oc_block = 16;

// One forward tile: OCB output channels × OWB outputs of one output row.
struct ForwardTile {
    const float* window;  // view at (n, first channel of the group, oh, first output of the tile, 0, 0)
    const WindowView* view;
    int64_t icg, kh, kw;
    const float* w;     // weights of the tile's first output channel
    const float* bias;  // bias of the tile's first output channel, or null
    float* y;           // y at (n, first output channel, oh, first output)
    int64_t y_channel_stride;
};

// A tile of OCB output channels × OWB outputs held in registers across the
// whole (c, kh, kw) loop: at each tap V = OWB / L vectors of inputs, OCB
// broadcast weights, OCB × V fused multiply-adds.
template <int OCB, int OWB, int SW>
void forward_tile(const ForwardTile& t) {
    constexpr int L = OWB >= native_lanes ? native_lanes : 8;
    static_assert(OWB % L == 0);
    constexpr int V = OWB / L;
    const int64_t step = t.view->stride[WindowView::ow];
    const int64_t c_stride = t.view->stride[WindowView::c];
    const int64_t kh_stride = t.view->stride[WindowView::kh], kw_stride = t.view->stride[WindowView::kw];
    const int64_t taps = t.icg * t.kh * t.kw;
    Lanes<L> acc[OCB][V];
    for (int o = 0; o < OCB; ++o)
        for (int v = 0; v < V; ++v) acc[o][v] = Lanes<L>{} + (t.bias ? t.bias[o] : 0.0f);
    int64_t k = 0;  // (c, kh, kw) flattened, the weights' own order
    for (int64_t c = 0; c < t.icg; ++c)
        for (int64_t i = 0; i < t.kh; ++i)
            for (int64_t j = 0; j < t.kw; ++j, ++k) {
                const float* row = t.window + c * c_stride + i * kh_stride + j * kw_stride;
                Lanes<L> in[V];
                for (int v = 0; v < V; ++v) in[v] = load_strided_row<L, SW>(row + v * L * step, step);
                for (int o = 0; o < OCB; ++o) {
                    const float weight = t.w[o * taps + k];
                    for (int v = 0; v < V; ++v) acc[o][v] += weight * in[v];
                }
            }
    for (int o = 0; o < OCB; ++o)
        for (int v = 0; v < V; ++v) store_lanes<L>(t.y + o * t.y_channel_stride + v * L, acc[o][v]);
}

// Rows narrower than 8 outputs (7x7 layers): the same loops, one output at a time.
template <int OCB, int OWB>
void forward_tile_narrow(const ForwardTile& t) {
    const int64_t step = t.view->stride[WindowView::ow];
    const int64_t taps = t.icg * t.kh * t.kw;
    float acc[OCB][OWB];
    for (int o = 0; o < OCB; ++o)
        for (int x = 0; x < OWB; ++x) acc[o][x] = t.bias ? t.bias[o] : 0.0f;
    int64_t k = 0;
    for (int64_t c = 0; c < t.icg; ++c)
        for (int64_t i = 0; i < t.kh; ++i)
            for (int64_t j = 0; j < t.kw; ++j, ++k) {
                const float* row = t.window + c * t.view->stride[WindowView::c] + i * t.view->stride[WindowView::kh] +
                                   j * t.view->stride[WindowView::kw];
                for (int o = 0; o < OCB; ++o)
                    for (int x = 0; x < OWB; ++x) acc[o][x] += t.w[o * taps + k] * row[x * step];
            }
    for (int o = 0; o < OCB; ++o)
        for (int x = 0; x < OWB; ++x) t.y[o * t.y_channel_stride + x] = acc[o][x];
}

// Covers an output row of `ow` outputs with tiles of width OWB <= ow. The last
// tile is shifted back to end at ow rather than cut short, so every tile runs
// the full-width kernel; the overlapping outputs are computed twice with the
// same arithmetic and stored with the same values.
template <int OCB, int OWB, int SW>
void forward_row_in_tiles(ForwardTile t, int64_t ow) {
    const int64_t step = t.view->stride[WindowView::ow];
    for (int64_t start = 0;; start += OWB) {
        start = std::min(start, ow - OWB);
        ForwardTile tile = t;
        tile.window += start * step;
        tile.y += start;
        if constexpr (OWB >= 8)
            forward_tile<OCB, OWB, SW>(tile);
        else
            forward_tile_narrow<OCB, OWB>(tile);
        if (start + OWB >= ow) break;
    }
}

// Accumulators a tile may hold: half the vector registers, leaving the rest
// for the inputs and broadcast weights (16 of AVX-512's 32, 8 of AVX2's 16).
inline constexpr int accumulator_budget = vector_registers / 2;

// The widest tile of OCB channels whose accumulators fit the budget, in
// outputs: OCB x (OWB / lanes) vectors. With 16 lanes: 16 channels x 16
// outputs, or 8 x 32; with 8 lanes: 8 x 8, or 4 x 16.
template <int OCB>
inline constexpr int widest_tile = OCB * 2 * native_lanes <= accumulator_budget * native_lanes ? 2 * native_lanes
                                                                                             : native_lanes;

template <int OCB, int SW>
void forward_row(const ForwardTile& t, int64_t ow) {
    constexpr int wide = widest_tile<OCB>;
    if constexpr (wide > native_lanes)
        if (ow >= wide) return forward_row_in_tiles<OCB, wide, SW>(t, ow);
    if constexpr (native_lanes >= 16)
        if (ow >= 16) return forward_row_in_tiles<OCB, 16, SW>(t, ow);
    if (ow >= 8) return forward_row_in_tiles<OCB, 8, SW>(t, ow);
    if (ow >= 4) return forward_row_in_tiles<OCB, 4, SW>(t, ow);
    if (ow >= 2) return forward_row_in_tiles<OCB, 2, SW>(t, ow);
    forward_row_in_tiles<OCB, 1, SW>(t, ow);
}

// One output row of `channels` output channels, in tiles of 16, 8, 4, 2 and 1
// channels; 16-channel tiles only with 16 lanes and where the row is too short
// for 32-wide ones (16 x 16 outputs would not fit eight 8-lane accumulators).
template <int SW>
void forward_row_of_channels(ForwardTile t, int64_t channels, int64_t ow) {
    const int64_t taps = t.icg * t.kh * t.kw;
    while (channels > 0) {
        const int64_t tile = native_lanes >= 16 && channels >= 16 && ow < 32 ? 16
                             : channels >= 8                                 ? 8
                             : channels >= 4         ? 4
                             : channels >= 2         ? 2
                                                     : 1;
        switch (tile) {
            case 16: forward_row<16, SW>(t, ow); break;
            case 8: forward_row<8, SW>(t, ow); break;
            case 4: forward_row<4, SW>(t, ow); break;
            case 2: forward_row<2, SW>(t, ow); break;
            default: forward_row<1, SW>(t, ow); break;
        }
        t.w += tile * taps;
        if (t.bias) t.bias += tile;
        t.y += tile * t.y_channel_stride;
        channels -= tile;
    }
}
static_assert(forward_oc_block == 16, "forward_row_of_channels splits blocks of up to 16 channels");

void contract_forward(const Problem& p, const WindowView& view, const float* w, const float* b, float* y) {
    const int64_t icg = p.icg(), ocg = p.ocg();
    const int64_t blocks = (ocg + forward_oc_block - 1) / forward_oc_block;  // oc blocks per group
    // Output channel blocks innermost: consecutive tiles of one thread read the
    // same few input rows (kept in cache) while the weights, reused by every
    // row, stream from L2. With rows innermost instead, a 1x1 layer with many
    // channels re-reads its whole input from memory once per channel block.
#pragma omp parallel for collapse(3) schedule(static)
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oh = 0; oh < p.oh; ++oh)
            for (int64_t group_block = 0; group_block < p.g * blocks; ++group_block) {
                const int64_t group = group_block / blocks;
                const int64_t oc0 = group * ocg + group_block % blocks * forward_oc_block;
                const int64_t channels = std::min<int64_t>(forward_oc_block, (group + 1) * ocg - oc0);
                ForwardTile t;
                t.window = view.at(n, group * icg, oh, 0, 0, 0);
                t.view = &view;
                t.icg = icg, t.kh = p.kh, t.kw = p.kw;
                t.w = w + oc0 * icg * p.kh * p.kw;
                t.bias = b ? b + oc0 : nullptr;
                t.y = y + ((n * p.oc + oc0) * p.oh + oh) * p.ow;
                t.y_channel_stride = p.oh * p.ow;
                switch (p.sw) {
                    case 1: forward_row_of_channels<1>(t, channels, p.ow); break;
                    case 2: forward_row_of_channels<2>(t, channels, p.ow); break;
                    default: forward_row_of_channels<0>(t, channels, p.ow); break;
                }
            }
}

int64_t forward_workspace_bytes(const Problem& p) { return padded_input(p).elems * int64_t(sizeof(float)); }

// The view over x: over the padded copy in `workspace` when padding is
// needed, over x itself otherwise.
WindowView view_of_input(const Problem& p, const float* x, std::byte* workspace, TimingPhases* timing_phases) {
    if (!padded_input(p).needs_copy) return window_view(p, x);
    TimingPhaseScope scope(timing_phases, "pad");
    float* padded = reinterpret_cast<float*>(workspace);
    pad_input(p, x, padded);
    return window_view(p, padded);
}

void stride_view_forward(const Problem& p, const ConvArgs& a) {
    const WindowView view = view_of_input(p, a.x, a.workspace, a.timing_phases);
    TimingPhaseScope scope(a.timing_phases, "contract");
    contract_forward(p, view, a.w, a.b, a.y);
}

void stride_view_weight_grad(const Problem& p, const ConvArgs& a) {
    const WindowView view = view_of_input(p, a.x, a.workspace, a.timing_phases);
    TimingPhaseScope scope(a.timing_phases, "contract");
    stride_view_contract_weight_grad(p, view, a.dy, a.dw);
    if (!a.db) return;
    TimingPhaseScope bias_scope(a.timing_phases, "bias");
    bias_gradient(p, a.dy, a.db);
}

class StrideViewPrimitive final : public Primitive {
public:
    StrideViewPrimitive(const Problem& p, Direction d, int threads) : Primitive(threads), p_(p), d_(d) {}
    int64_t workspace_bytes() const override { return forward_workspace_bytes(p_); }
    std::string implementation() const override { return fmt::format("{} lanes", native_lanes); }

protected:
    void run(const ConvArgs& a) const override {
        if (d_ == Direction::fwd) return stride_view_forward(p_, a);
        stride_view_weight_grad(p_, a);
    }

private:
    Problem p_;
    Direction d_;
};

class StrideView final : public Algorithm {
public:
    std::string_view name() const override { return "stride_view"; }
    std::string_view family() const override { return "stride_view"; }
    std::string_view description() const override {
        return "zero-copy strided window view (numpy as_strided) contracted with the weights; "
               "bwd_d by rot180 full convolution, bwd_w through the same view";
    }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        if (d == Direction::bwd_d)
            return {full_conv_backward_data(
                        p, std::make_unique<StrideViewPrimitive>(full_conv(p).forward, Direction::fwd, threads)),
                    {}};
        return prepared<StrideViewPrimitive>(p, d, threads);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_stride_view() { return std::make_unique<StrideView>(); }

}  // namespace convlab
