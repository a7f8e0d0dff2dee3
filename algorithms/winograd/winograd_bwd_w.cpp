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

#include "algorithms/timing_phases.hpp"
#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_conv.hpp"
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

// One channel plane's windows for the block's lane groups q0 .. q1:
// dst[xi * xi_stride + k] = (M window M^T)[xi] for GEMM column k. Like the
// forward's input transform: one plane read as a stream, the next lane group
// staged while this one is transformed (a vector load right after the scalar
// stores of a padded row would stall), whole 8-lane stores whose spare lanes
// the next lane group overwrites (the last group's lie beyond the GEMM's
// columns).
template <class Tile, int K, int A>
void transform_plane(const Matrix<A, K>& M, const TileGrid& grid, int64_t q0, int64_t q1, const float* data,
                     int64_t channels, int64_t c, int64_t h, int64_t w, int64_t top, int64_t left, int64_t xi_stride,
                     float* dst) {
    constexpr int L = winograd_lanes;
    const int64_t first = grid.first_tile(q0);
    WindowRows<K, Tile::m, L> rows[2];
    rows[0].stage(data, channels, c, h, w, top, left, lane_group(grid, q0));
    for (int64_t q = q0; q < q1; ++q) {
        if (q + 1 < q1) rows[(q + 1 - q0) % 2].stage(data, channels, c, h, w, top, left, lane_group(grid, q + 1));
        float d[K][K][L], v[A][A][L];
        rows[(q - q0) % 2].load(d);
        sandwich(M, d, v);
        float* out = dst + grid.first_tile(q) - first;
        for (int i = 0; i < A; ++i)
            for (int j = 0; j < A; ++j)
#pragma omp simd
                for (int l = 0; l < L; ++l) out[(i * A + j) * xi_stride + l] = v[i][j][l];
    }
}

// V[xi][c][k] = (B^T xwindow B)[xi] and Udy[xi][o][k] = (A dyblock A^T)[xi]
// for the block's tiles, all channels; threads take whole channels (x's and
// dy's in one index range), so no two write the same row.
template <class Tile>
void transform_block(const Problem& p, const TileGrid& grid, const float* x, const float* dy, int64_t q0, int64_t q1,
                     int64_t nb, float* V, float* Udy) {
    static constexpr auto A_matrix = transposed(Tile::AT);  // alpha x m
#pragma omp for schedule(static)
    for (int64_t c = 0; c < p.ic + p.oc; ++c) {
        if (c < p.ic)
            transform_plane<Tile>(Tile::BT, grid, q0, q1, x, p.ic, c, p.ih, p.iw, p.ph, p.pw, p.ic * nb, V + c * nb);
        else
            transform_plane<Tile>(A_matrix, grid, q0, q1, dy, p.oc, c - p.ic, p.oh, p.ow, 0, 0, p.oc * nb,
                                  Udy + (c - p.ic) * nb);
    }
}

// dw[oc][c] = G^T dW[.][oc][c] G, in float (dW is a float sum already; in
// double this was half of F(4,3)'s bwd_w on 512-channel 7x7 layers), eight
// input channels at a time.
// Full lane groups have constant trip counts, so the 16 (36) loads are whole
// vectors (runtime-length lane loops made this a third of res5a's bwd_w).
template <class Tile, bool full>
void output_transform_lanes(const float* src, int lanes, int64_t plane, float* dst) {
    constexpr int A = Tile::alpha, L = 8;
    static constexpr auto GT = transposed(Tile::G);  // 3 x alpha
    const int n = full ? L : lanes;
    float m[A][A][L] = {}, taps[3][3][L];
    for (int i = 0; i < A; ++i)
        for (int j = 0; j < A; ++j)
#pragma omp simd
            for (int l = 0; l < n; ++l) m[i][j][l] = src[(i * A + j) * plane + l];
    sandwich(GT, m, taps);
    for (int l = 0; l < n; ++l)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) dst[(l * 3 + i) * 3 + j] = taps[i][j][l];
}

template <class Tile>
void output_transform(const Problem& p, const float* dW, float* dw) {
    constexpr int L = 8;
    const int64_t icg = p.icg(), plane = p.oc * icg;
#pragma omp for schedule(static)
    for (int64_t oc = 0; oc < p.oc; ++oc)
        for (int64_t c0 = 0; c0 < icg; c0 += L) {
            const int lanes = int(std::min<int64_t>(L, icg - c0));
            const float* src = dW + oc * icg + c0;
            float* dst = dw + (oc * icg + c0) * 9;
            if (lanes == L)
                output_transform_lanes<Tile, true>(src, L, plane, dst);
            else
                output_transform_lanes<Tile, false>(src, lanes, plane, dst);
        }
}

}  // namespace

namespace {

template <class Tile>
void bwd_w(const Problem& p, const BwdWPlan<Tile>& plan, int threads, const ConvArgs& a) {
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
                transform_block<Tile>(p, grid, a.x, a.dy, q0, q1, nb, V, Udy);
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
        output_transform<Tile>(p, dW, a.dw);
    }
    if (!a.db) return;
    TimingPhaseScope scope(a.timing_phases, "bias");
    bias_gradient(p, a.dy, a.db);
}

template <class Tile>
class WinogradBackwardWeights final : public Primitive {
public:
    WinogradBackwardWeights(const Problem& p, int threads) : Primitive(threads), p_(p), plan_(p) {}
    int64_t workspace_bytes() const override { return plan_.workspace_bytes(); }

protected:
    void run(const ConvArgs& a) const override { bwd_w<Tile>(p_, plan_, threads(), a); }

private:
    Problem p_;
    BwdWPlan<Tile> plan_;
};

}  // namespace

template <class Tile>
std::unique_ptr<Primitive> winograd_backward_weights(const Problem& p, int threads) {
    return std::make_unique<WinogradBackwardWeights<Tile>>(p, threads);
}

template std::unique_ptr<Primitive> winograd_backward_weights<TileF2x3>(const Problem&, int);
template std::unique_ptr<Primitive> winograd_backward_weights<TileF4x3>(const Problem&, int);
template std::unique_ptr<Primitive> winograd_backward_weights<TileF6x3>(const Problem&, int);

}  // namespace convlab
