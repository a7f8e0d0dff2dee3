// Winograd forward (and backward data through it); see winograd_conv.hpp.
//
// Parallel over blocks of tiles, one block per thread at a time, with the
// OpenBLAS calls single-threaded inside the parallel region. A block's
// transformed input V [alpha^2][icg][nb] and GEMM result M [alpha^2][ocg][nb]
// are sized to stay in the core's L2 cache between the input transform, the
// GEMMs and the output transform. Each output element is produced by exactly
// one thread in a fixed order, so results repeat bit for bit.
#include "algorithms/transforms/winograd_conv.hpp"

#include <algorithm>

#include <cblas.h>
#include <omp.h>

#include "algorithms/phase_times.hpp"
#include "algorithms/threading.hpp"
#include "algorithms/transforms/full_conv.hpp"
#include "algorithms/transforms/winograd.hpp"
#include "algorithms/transforms/winograd_tiles.hpp"

namespace convlab {

std::string winograd_decline_reason(std::string_view name, const Problem& p) {
    if (p.kh == 3 && p.kw == 3 && p.sh == 1 && p.sw == 1 && p.dh == 0 && p.dw == 0) return {};
    return std::string(name) + ": needs 3x3 kernel, stride 1, no dilation";
}

namespace {

// Per-thread working set of V and M the block size aims for: half of this
// machine's 2 MiB L2 per core, leaving room for the filter panel OpenBLAS packs.
constexpr int64_t block_budget_bytes = 1 << 20;
constexpr int64_t min_block = 32, max_block = 512;

template <class Tile>
struct FwdPlan {
    static constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    int64_t threads, nb, blocks;
    int64_t u_bytes, v_bytes, m_bytes;

    explicit FwdPlan(const Problem& p) {
        const TileGrid grid(p, Tile::m);
        threads = std::max(1, max_threads());
        const int64_t per_tile_bytes = A2 * (p.icg() + p.ocg()) * int64_t(sizeof(float));
        nb = std::clamp<int64_t>(block_budget_bytes / per_tile_bytes, min_block, max_block);
        // Enough blocks for every thread, in whole lane groups.
        nb = std::min(nb, ceil_div(grid.count, threads));
        nb = round_up(std::max<int64_t>(nb, 1), winograd_lanes);
        blocks = ceil_div(grid.count, nb);
        u_bytes = aligned_float_bytes(A2 * p.oc * p.icg());
        v_bytes = aligned_float_bytes(A2 * p.icg() * nb);
        m_bytes = aligned_float_bytes(A2 * p.ocg() * nb);
    }
    int64_t workspace_bytes() const { return u_bytes + threads * (v_bytes + m_bytes); }
};

// U[xi][oc][icg] = (G w[oc][icg] G^T)[xi], in double (rounded once), eight
// input channels at a time.
template <class Tile>
void filter_transform(const Problem& p, const float* w, float* U) {
    constexpr int A = Tile::alpha, L = 8;
    const int64_t icg = p.icg(), plane = p.oc * icg;
#pragma omp for schedule(static)
    for (int64_t oc = 0; oc < p.oc; ++oc)
        for (int64_t c0 = 0; c0 < icg; c0 += L) {
            const int lanes = int(std::min<int64_t>(L, icg - c0));
            double g[3][3][L] = {}, u[A][A][L];
            for (int l = 0; l < lanes; ++l)
                for (int i = 0; i < 3; ++i)
                    for (int j = 0; j < 3; ++j) g[i][j][l] = w[((oc * icg + c0 + l) * 3 + i) * 3 + j];
            sandwich(Tile::G, g, u);
            for (int i = 0; i < A; ++i)
                for (int j = 0; j < A; ++j)
                    for (int l = 0; l < lanes; ++l) U[(i * A + j) * plane + oc * icg + c0 + l] = float(u[i][j][l]);
        }
}

// V[xi][c][k] for the block's tiles first .. first + count and the group's channels.
template <class Tile>
void input_transform(const Problem& p, const TileGrid& grid, const float* x, int64_t group, int64_t first,
                     int64_t count, int64_t nb, float* V) {
    constexpr int A = Tile::alpha, L = winograd_lanes;
    const int64_t icg = p.icg();
    for (int64_t k0 = 0; k0 < count; k0 += L) {
        const LaneTiles t = lane_tiles(grid, first + k0, count - k0);
        for (int64_t c = 0; c < icg; ++c) {
            float d[A][A][L], v[A][A][L];
            gather_windows<A, L>(x, p.ic, group * icg + c, p.ih, p.iw, p.ph, p.pw, t, d);
            sandwich(Tile::BT, d, v);
            for (int i = 0; i < A; ++i)
                for (int j = 0; j < A; ++j) {
                    float* dst = V + ((i * A + j) * icg + c) * nb + k0;
#pragma omp simd
                    for (int l = 0; l < L; ++l) dst[l] = v[i][j][l];
                }
        }
    }
}

// y for the block's tiles from M[xi][o][k]: A^T M A plus bias.
template <class Tile>
void output_transform(const Problem& p, const TileGrid& grid, const float* Mt, const float* bias, int64_t group,
                      int64_t first, int64_t count, int64_t nb, float* y) {
    constexpr int A = Tile::alpha, Mo = Tile::m, L = winograd_lanes;
    const int64_t ocg = p.ocg();
    for (int64_t k0 = 0; k0 < count; k0 += L) {
        const LaneTiles t = lane_tiles(grid, first + k0, count - k0);
        for (int64_t o = 0; o < ocg; ++o) {
            float m[A][A][L], out[Mo][Mo][L];
            for (int i = 0; i < A; ++i)
                for (int j = 0; j < A; ++j) {
                    const float* src = Mt + ((i * A + j) * ocg + o) * nb + k0;
#pragma omp simd
                    for (int l = 0; l < L; ++l) m[i][j][l] = src[l];
                }
            sandwich(Tile::AT, m, out);
            const int64_t oc = group * ocg + o;
            scatter_blocks<Mo, L>(out, bias ? bias[oc] : 0.0f, y, p.oc, oc, p.oh, p.ow, t);
        }
    }
}

}  // namespace

template <class Tile>
int64_t winograd_fwd_workspace_bytes(const Problem& p) {
    return FwdPlan<Tile>(p).workspace_bytes();
}

template <class Tile>
void winograd_fwd(const Problem& p, const ConvArgs& a) {
    constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    const FwdPlan<Tile> plan(p);
    const TileGrid grid(p, Tile::m);
    const int64_t icg = p.icg(), ocg = p.ocg(), nb = plan.nb;
    float* U = reinterpret_cast<float*>(a.workspace);
#pragma omp parallel num_threads(int(plan.threads))
    {
        {
            PhaseScope scope(a.phases, "filter_transform");
            filter_transform<Tile>(p, a.w, U);  // ends with the barrier of its omp for
        }
        std::byte* mine = a.workspace + plan.u_bytes + omp_get_thread_num() * (plan.v_bytes + plan.m_bytes);
        float* V = reinterpret_cast<float*>(mine);
        float* Mt = reinterpret_cast<float*>(mine + plan.v_bytes);
#pragma omp for schedule(static)
        for (int64_t block = 0; block < plan.blocks; ++block) {
            const int64_t first = block * nb, count = std::min(nb, grid.count - first);
            for (int64_t group = 0; group < p.g; ++group) {
                {
                    PhaseScope scope(a.phases, "input_transform");
                    input_transform<Tile>(p, grid, a.x, group, first, count, nb, V);
                }
                {
                    PhaseScope scope(a.phases, "gemm");
                    for (int64_t xi = 0; xi < A2; ++xi)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(ocg), int(count), int(icg), 1.0f,
                                    U + (xi * p.oc + group * ocg) * icg, int(icg), V + xi * icg * nb, int(nb), 0.0f,
                                    Mt + xi * ocg * nb, int(nb));
                }
                PhaseScope scope(a.phases, "output_transform");
                output_transform<Tile>(p, grid, Mt, a.b, group, first, count, nb, a.y);
            }
        }
    }
}

template <class Tile>
int64_t winograd_workspace_bytes(const Problem& p, Direction d) {
    switch (d) {
        case Direction::fwd: return winograd_fwd_workspace_bytes<Tile>(p);
        case Direction::bwd_d:
            return full_conv_workspace_bytes(p, winograd_fwd_workspace_bytes<Tile>(full_conv(p).forward));
        case Direction::bwd_w: return winograd_bwd_w_workspace_bytes<Tile>(p);
    }
    return 0;
}

template <class Tile>
void winograd_run(const Problem& p, Direction d, const ConvArgs& args) {
    switch (d) {
        case Direction::fwd: winograd_fwd<Tile>(p, args); break;
        case Direction::bwd_d:
            backward_data_by_full_conv(p, args, [](const Problem& q, const ConvArgs& f) { winograd_fwd<Tile>(q, f); });
            break;
        case Direction::bwd_w: winograd_bwd_w<Tile>(p, args); break;
    }
}

template int64_t winograd_workspace_bytes<TileF2x3>(const Problem&, Direction);
template int64_t winograd_workspace_bytes<TileF4x3>(const Problem&, Direction);
template void winograd_run<TileF2x3>(const Problem&, Direction, const ConvArgs&);
template void winograd_run<TileF4x3>(const Problem&, Direction, const ConvArgs&);
template int64_t winograd_fwd_workspace_bytes<TileF2x3>(const Problem&);
template int64_t winograd_fwd_workspace_bytes<TileF4x3>(const Problem&);
template void winograd_fwd<TileF2x3>(const Problem&, const ConvArgs&);
template void winograd_fwd<TileF4x3>(const Problem&, const ConvArgs&);

}  // namespace convlab
