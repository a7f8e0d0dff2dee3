// Winograd weight gradient, F(3 x 3, m x m) on the forward's alpha x alpha tiles.
//
// Per tile, the 3 x 3 taps of dw[oc][ic] get sum_{i,j} x[oy - ph + a + i][ox - pw + b + j] dy[oy + i][ox + j]:
// the correlation of the alpha x alpha x-window with the m x m dy-block, whose
// Winograd form is G^T [(A dyblock A^T) . (B^T xwindow B)] G (winograd.hpp).
// G^T . G is linear, so the products are summed over all tiles first: for
// each xi, dW_xi [ocg x icg] += Udy_xi [ocg x tiles] . V_xi^T [tiles x icg],
// one GEMM per (xi, group) per block of tiles, then one G^T . G per (oc, ic).
//
// Blocks are processed in order, and within a block each (xi, group) GEMM is
// owned by one thread, so every dW element is accumulated in the same order
// whatever the thread count: results repeat bit for bit.
#include <algorithm>

#include <cblas.h>
#include <memory>
#include <string>

#include "algorithms/timing_phases.hpp"
#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_conv.hpp"
#include "algorithms/winograd/winograd_kernels.hpp"
#include "algorithms/winograd/winograd_tiles.hpp"

namespace convlab {

namespace {

// Tiles per block: the GEMMs' inner dimension. Large enough for OpenBLAS to
// run near its peak; the dW accumulators are re-read once per block.
constexpr int64_t bwd_w_block = 256;

template <class Tile>
struct BwdWPlan {
    static constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    int64_t groups_per_block, blocks, nb, dw_bytes, v_bytes, u_bytes;
    explicit BwdWPlan(const Problem& p) {
        const TileGrid grid(p, Tile::m);
        groups_per_block = std::min(bwd_w_block / winograd_lanes, grid.group_count);
        blocks = ceil_div(grid.group_count, groups_per_block);
        nb = groups_per_block * winograd_lanes;
        dw_bytes = aligned_float_bytes(A2 * p.oc * p.icg());
        v_bytes = aligned_float_bytes(A2 * p.ic * nb);
        u_bytes = aligned_float_bytes(A2 * p.oc * nb);
    }
    int64_t workspace_bytes() const { return dw_bytes + v_bytes + u_bytes; }
};

// Most channels per kernel call (AVX-512's two).
constexpr int max_channels = 2;

// Channels c .. c + n - 1 (n <= kernels.channels) of the block's lane groups
// q0 .. q1 through `kernel` (K x K windows): dst[xi * xi_stride + q *
// channel_stride + k] = (M window M^T)[xi] of channel c + q for GEMM column k.
// Like the forward's input transform: planes read as streams, the next lane
// group staged while this one is transformed (a vector load right after the
// scalar stores of a padded row would stall), whole 8-lane stores whose
// spare lanes the next lane group overwrites (the last group's lie beyond
// the GEMM's columns); a missing second channel is the first passed twice.
template <class Tile, int K>
void transform_planes(TileTransformFn kernel, const TileGrid& grid, int64_t q0, int64_t q1, const float* data,
                      int64_t channels, int64_t c, int n, int64_t h, int64_t w, int64_t top, int64_t left,
                      int64_t xi_stride, int64_t channel_stride, float* dst) {
    constexpr int L = winograd_lanes;
    const int64_t first = grid.first_tile(q0);
    WindowRows<K, Tile::m, L> rows[2][max_channels];
    const float* window[max_channels * K];
    const auto stage = [&](int slot, int64_t q) {
        const LaneGroup t = lane_group(grid, q);
        for (int i = 0; i < n; ++i) rows[slot][i].stage(data, channels, c + i, h, w, top, left, t);
    };
    stage(0, q0);
    for (int64_t q = q0; q < q1; ++q) {
        if (q + 1 < q1) stage(int((q + 1 - q0) % 2), q + 1);
        for (int s = 0; s < max_channels; ++s)
            for (int i = 0; i < K; ++i) window[s * K + i] = rows[(q - q0) % 2][std::min(s, n - 1)].row[i];
        kernel(window, dst + grid.first_tile(q) - first, xi_stride, n > 1 ? channel_stride : 0);
    }
}

// V[xi][c][k] = (B^T xwindow B)[xi] and Udy[xi][o][k] = (A dyblock A^T)[xi]
// for the block's tiles, all channels; threads take whole channels (x's and
// dy's in one index range, kernels.channels at a time), so no two write the
// same row.
template <class Tile>
void transform_block(const WinogradKernels& kernels, const Problem& p, const TileGrid& grid, const float* x,
                     const float* dy, int64_t q0, int64_t q1, int64_t nb, float* V, float* Udy) {
    const int64_t P = kernels.channels, x_tasks = ceil_div(p.ic, P), dy_tasks = ceil_div(p.oc, P);
#pragma omp for schedule(static)
    for (int64_t task = 0; task < x_tasks + dy_tasks; ++task) {
        if (task < x_tasks) {
            const int64_t c = task * P;
            transform_planes<Tile, Tile::alpha>(kernels.input, grid, q0, q1, x, p.ic, c,
                                                int(std::min(P, p.ic - c)), p.ih, p.iw, p.ph, p.pw, p.ic * nb, nb,
                                                V + c * nb);
        } else {
            const int64_t o = (task - x_tasks) * P;
            transform_planes<Tile, Tile::m>(kernels.dy, grid, q0, q1, dy, p.oc, o, int(std::min(P, p.oc - o)),
                                            p.oh, p.ow, 0, 0, p.oc * nb, nb, Udy + o * nb);
        }
    }
}

// dw[oc][c] = G^T dW[.][oc][c] G, in float (dW is a float sum already; in
// double this was half of F(4,3)'s bwd_w on 512-channel 7x7 layers),
// kernels.lanes input channels per call.
template <class Tile>
void output_transform(const WinogradKernels& kernels, const Problem& p, const float* dW, float* dw) {
    const int L = kernels.lanes;
    const int64_t icg = p.icg(), plane = p.oc * icg;
#pragma omp for schedule(static)
    for (int64_t oc = 0; oc < p.oc; ++oc)
        for (int64_t c0 = 0; c0 < icg; c0 += L)
            transform_gradients<Tile>(kernels, dW + oc * icg + c0, int(std::min<int64_t>(L, icg - c0)), plane,
                                      dw + (oc * icg + c0) * 9);
}

}  // namespace

namespace {

template <class Tile>
void bwd_w(const WinogradKernels& kernels, const Problem& p, const BwdWPlan<Tile>& plan, int threads,
           const ConvArgs& a) {
    constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    const TileGrid grid(p, Tile::m);
    const int64_t icg = p.icg(), ocg = p.ocg(), nb = plan.nb;
    float* dW = reinterpret_cast<float*>(a.workspace);
    float* V = reinterpret_cast<float*>(a.workspace + plan.dw_bytes);
    float* Udy = reinterpret_cast<float*>(a.workspace + plan.dw_bytes + plan.v_bytes);
#pragma omp parallel num_threads(threads)
    {
        for (int64_t block = 0; block < plan.blocks; ++block) {
            const int64_t q0 = block * plan.groups_per_block;
            const int64_t q1 = std::min(q0 + plan.groups_per_block, grid.group_count);
            const int64_t count = grid.first_tile(q1) - grid.first_tile(q0);
            {
                TimingPhaseScope scope(a.timing_phases, "input_transform");
                transform_block<Tile>(kernels, p, grid, a.x, a.dy, q0, q1, nb, V, Udy);
            }
            TimingPhaseScope scope(a.timing_phases, "gemm");
#pragma omp for schedule(static)
            for (int64_t task = 0; task < A2 * p.g; ++task) {
                const int64_t xi = task / p.g, group = task % p.g;
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(ocg), int(icg), int(count), 1.0f,
                            Udy + (xi * p.oc + group * ocg) * nb, int(nb), V + (xi * p.ic + group * icg) * nb,
                            int(nb), block == 0 ? 0.0f : 1.0f, dW + (xi * p.oc + group * ocg) * icg, int(icg));
            }
        }
        TimingPhaseScope scope(a.timing_phases, "output_transform");
        output_transform<Tile>(kernels, p, dW, a.dw);
    }
    if (!a.db) return;
    TimingPhaseScope scope(a.timing_phases, "bias");
    bias_gradient(p, a.dy, a.db);
}

template <class Tile>
class WinogradBackwardWeights final : public Primitive {
public:
    WinogradBackwardWeights(const Problem& p, int threads, const WinogradKernels& kernels)
        : Primitive(threads), p_(p), plan_(p), kernels_(kernels) {}
    std::string implementation() const override { return std::string(kernels_.isa); }
    int64_t workspace_bytes() const override { return plan_.workspace_bytes(); }

protected:
    void run(const ConvArgs& a) const override { bwd_w<Tile>(kernels_, p_, plan_, threads(), a); }

private:
    Problem p_;
    BwdWPlan<Tile> plan_;
    WinogradKernels kernels_;
};

}  // namespace

template <class Tile>
std::unique_ptr<Primitive> winograd_backward_weights(const Problem& p, int threads, const WinogradKernels& kernels) {
    return std::make_unique<WinogradBackwardWeights<Tile>>(p, threads, kernels);
}

template std::unique_ptr<Primitive> winograd_backward_weights<TileF2x3>(const Problem&, int,
                                                                         const WinogradKernels&);
template std::unique_ptr<Primitive> winograd_backward_weights<TileF4x3>(const Problem&, int,
                                                                         const WinogradKernels&);
template std::unique_ptr<Primitive> winograd_backward_weights<TileF6x3>(const Problem&, int,
                                                                         const WinogradKernels&);

}  // namespace convlab
