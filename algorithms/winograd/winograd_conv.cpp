// Winograd forward (and backward data through it); see winograd_conv.hpp.
//
// Parallel over blocks of tiles (dynamic: a busy machine deschedules threads),
// one block per thread at a time, with the
// OpenBLAS calls single-threaded inside the parallel region. A block's
// transformed input V [alpha^2][icg][nb] and GEMM result M [alpha^2][ocg][nb]
// are sized to stay in the core's L2 cache (winograd_plans.hpp) between the
// input transform, the GEMMs and the output transform. Each output element is produced by exactly
// one thread in a fixed order, so results repeat bit for bit.
#include "algorithms/winograd/winograd_conv.hpp"

#include <algorithm>

#include <cblas.h>
#include <omp.h>

#include "algorithms/timing_phases.hpp"
#include "algorithms/threading.hpp"
#include "algorithms/common/full_conv.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_plans.hpp"
#include "algorithms/winograd/winograd_tiles.hpp"

namespace convlab {

bool winograd_shape(const Problem& p) {
    return p.kh == 3 && p.kw == 3 && p.sh == 1 && p.sw == 1 && p.dh == 0 && p.dw == 0;
}

namespace {

// U[xi][oc][icg] = (G w[oc][icg] G^T)[xi], in float, eight input channels
// at a time. In double this transform took 40% of the forward of 512-channel
// 7x7 layers (twice the vector operations, and the conversions); float adds
// a few ulps to U, far inside each tile's tolerance (see winograd_f4x3.cpp).
// Full lane groups take a path with constant trip counts, so the loads and
// the 16 (36) stores are whole vectors: with runtime-length lane loops this
// transform cost a quarter of the forward on 512-channel layers.
template <class Tile, bool full>
void filter_transform_lanes(const float* src, int lanes, int64_t plane, float* dst) {
    constexpr int A = Tile::alpha, L = 8;
    const int n = full ? L : lanes;
    float g[3][3][L] = {}, u[A][A][L];
    if constexpr (full) {
        // Tap k of the eight filters is a stride-9 gather; each g[i][j] is
        // then written whole (scalar stores read back as a vector would stall).
        for (int k = 0; k < 9; ++k) {
            const Lanes<8> taps = gather_lanes<9>(src + k);
            for (int l = 0; l < L; ++l) g[k / 3][k % 3][l] = taps[l];
        }
    } else {
        for (int l = 0; l < n; ++l)
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j) g[i][j][l] = src[(l * 3 + i) * 3 + j];
    }
    sandwich(Tile::G, g, u);
    for (int i = 0; i < A; ++i)
        for (int j = 0; j < A; ++j)
#pragma omp simd
            for (int l = 0; l < n; ++l) dst[(i * A + j) * plane + l] = u[i][j][l];
}

// Output channels oc_begin .. oc_end into U[xi][oc - oc_begin][icg], whose
// xi-planes are `plane` floats apart.
template <class Tile>
void filter_transform(const Problem& p, const float* w, int64_t oc_begin, int64_t oc_end, int64_t plane, float* U) {
    constexpr int L = 8;
    const int64_t icg = p.icg();
    for (int64_t oc = oc_begin; oc < oc_end; ++oc)
        for (int64_t c0 = 0; c0 < icg; c0 += L) {
            const int lanes = int(std::min<int64_t>(L, icg - c0));
            const float* src = w + (oc * icg + c0) * 9;
            float* dst = U + (oc - oc_begin) * icg + c0;
            // The filters stream from memory and the gathers wait on them (the
            // transform's hot spot): ask for the lines four lane groups ahead.
            for (int k = 0; k < 9 * L * 4; k += 16) __builtin_prefetch(src + 4 * 9 * L + k);
            if (lanes == L)
                filter_transform_lanes<Tile, true>(src, L, plane, dst);
            else
                filter_transform_lanes<Tile, false>(src, lanes, plane, dst);
        }
}

// The lane groups q0 .. q1 of a block and the GEMM column of each one's first
// tile, computed once per block.
struct BlockGroups {
    LaneGroup group[max_block];
    int64_t column[max_block];
    int64_t size = 0;
    BlockGroups(const TileGrid& grid, int64_t q0, int64_t q1) : size(q1 - q0) {
        for (int64_t q = q0; q < q1; ++q)
            group[q - q0] = lane_group(grid, q), column[q - q0] = grid.first_tile(q) - grid.first_tile(q0);
    }
};

// Asks for the input rows the block reads of one channel (per image it
// covers), so the next channel's rows arrive while this one is transformed:
// the block visits every channel plane for a few rows only, too briefly for
// the hardware prefetcher to lock on.
template <class Tile>
void prefetch_block_input(const Problem& p, const BlockGroups& b, const float* x, int64_t channel) {
    const LaneGroup& first = b.group[0];
    const LaneGroup& last = b.group[b.size - 1];
    const int64_t plane = p.ih * p.iw;
    for (int64_t n = first.n; n <= last.n; ++n) {
        const int64_t top = n == first.n ? std::max<int64_t>(first.oy - p.ph, 0) : 0;
        const int64_t bottom = n == last.n ? std::min<int64_t>(last.oy - p.ph + Tile::alpha, p.ih) : p.ih;
        const float* begin = x + (n * p.ic + channel) * plane + top * p.iw;
        const float* end = x + (n * p.ic + channel) * plane + bottom * p.iw;
        for (const float* q = begin; q < end; q += 64 / sizeof(float)) __builtin_prefetch(q);
    }
}

// V[xi][c][k] for the block's tiles (GEMM column k) and the group's input
// channels c_begin .. c_end. Channel-outer, so each input plane is read as
// one stream. Each lane group stores all 8 lanes; the lanes beyond its tiles
// are overwritten by the next lane group or lie beyond the GEMM's columns.
template <class Tile>
void input_transform(const Problem& p, const BlockGroups& b, const float* x, int64_t group, int64_t c_begin,
                     int64_t c_end, int64_t nb, float* V) {
    constexpr int A = Tile::alpha, L = winograd_lanes;
    const int64_t icg = p.icg();
    WindowRows<A, Tile::m, L> rows[2];  // lane group k reads rows[k % 2], staged while k - 1 was transformed
    for (int64_t c = c_begin; c < c_end; ++c) {
        const int64_t channel = group * icg + c;
        if (c + 1 < c_end) prefetch_block_input<Tile>(p, b, x, channel + 1);
        rows[0].stage(x, p.ic, channel, p.ih, p.iw, p.ph, p.pw, b.group[0]);
        for (int64_t k = 0; k < b.size; ++k) {
            if (k + 1 < b.size) rows[(k + 1) % 2].stage(x, p.ic, channel, p.ih, p.iw, p.ph, p.pw, b.group[k + 1]);
            float d[A][A][L], v[A][A][L];
            rows[k % 2].load(d);
            sandwich(Tile::BT, d, v);
            for (int i = 0; i < A; ++i)
                for (int j = 0; j < A; ++j) {
                    float* dst = V + ((i * A + j) * icg + c) * nb + b.column[k];
#pragma omp simd
                    for (int l = 0; l < L; ++l) dst[l] = v[i][j][l];
                }
        }
    }
}

// y for the block's tiles and the group's output channels o_begin .. o_end
// from M[xi][o - o_begin][k]: A^T M A plus bias.
template <class Tile>
void output_transform(const Problem& p, const BlockGroups& b, const float* Mt, const float* bias, int64_t group,
                      int64_t o_begin, int64_t o_end, int64_t nb, float* y) {
    constexpr int A = Tile::alpha, Mo = Tile::m, L = winograd_lanes;
    const int64_t ocg = p.ocg(), rows = o_end - o_begin;
    for (int64_t o = o_begin; o < o_end; ++o) {
        const int64_t oc = group * ocg + o;
        for (int64_t k = 0; k < b.size; ++k) {
            float m[A][A][L], out[Mo][Mo][L];
            for (int i = 0; i < A; ++i)
                for (int j = 0; j < A; ++j) {
                    const float* src = Mt + ((i * A + j) * rows + o - o_begin) * nb + b.column[k];
#pragma omp simd
                    for (int l = 0; l < L; ++l) m[i][j][l] = src[l];
                }
            sandwich(Tile::AT, m, out);
            scatter_blocks<Mo, L>(out, bias ? bias[oc] : 0.0f, y, p.oc, oc, p.oh, p.ow, b.group[k]);
        }
    }
}

template <class Tile>
void fwd_by_filter_blocks(const Problem& p, const ConvArgs& a, const FilterBlockPlan<Tile>& plan) {
    constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    const TileGrid grid(p, Tile::m);
    const BlockGroups groups(grid, 0, grid.group_count);
    const int64_t icg = p.icg(), nb = plan.nb;
    float* V = reinterpret_cast<float*>(a.workspace);
#pragma omp parallel num_threads(int(plan.threads))
    {
        {
            TimingPhaseScope scope(a.timing_phases, "input_transform");
            // Whole channels per task (lane groups overlap in their spare lanes),
            // handed out as threads come free (see schedule below).
            constexpr int64_t channels_per_task = 16;
#pragma omp for schedule(dynamic)
            for (int64_t c0 = 0; c0 < icg; c0 += channels_per_task)
                input_transform<Tile>(p, groups, a.x, 0, c0, std::min(icg, c0 + channels_per_task), nb, V);
        }
        std::byte* mine = a.workspace + plan.v_bytes + omp_get_thread_num() * (plan.u_bytes + plan.m_bytes);
        float* U = reinterpret_cast<float*>(mine);
        float* Mt = reinterpret_cast<float*>(mine + plan.u_bytes);
#pragma omp for schedule(dynamic)
        for (int64_t block = 0; block < plan.oc_blocks; ++block) {
            const int64_t o_begin = block * plan.oc_block, o_end = std::min(p.oc, o_begin + plan.oc_block);
            const int64_t rows = o_end - o_begin;
            {
                TimingPhaseScope scope(a.timing_phases, "filter_transform");
                filter_transform<Tile>(p, a.w, o_begin, o_end, rows * icg, U);
            }
            {
                TimingPhaseScope scope(a.timing_phases, "gemm");
                for (int64_t xi = 0; xi < A2; ++xi)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), int(grid.count), int(icg), 1.0f,
                                U + xi * rows * icg, int(icg), V + xi * icg * nb, int(nb), 0.0f, Mt + xi * rows * nb,
                                int(nb));
            }
            TimingPhaseScope scope(a.timing_phases, "output_transform");
            output_transform<Tile>(p, groups, Mt, a.b, 0, o_begin, o_end, nb, a.y);
        }
    }
}

template <class Tile>
void fwd_by_tile_blocks(const Problem& p, const ConvArgs& a, const TileBlockPlan<Tile>& plan) {
    constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    const TileGrid grid(p, Tile::m);
    const int64_t icg = p.icg(), ocg = p.ocg(), nb = plan.nb;
    float* U = reinterpret_cast<float*>(a.workspace);
#pragma omp parallel num_threads(int(plan.threads))
    {
        {
            TimingPhaseScope scope(a.timing_phases, "filter_transform");
#pragma omp for schedule(static)
            for (int64_t oc = 0; oc < p.oc; ++oc) filter_transform<Tile>(p, a.w, oc, oc + 1, p.oc * icg, U + oc * icg);
        }
        std::byte* mine = a.workspace + plan.u_bytes + omp_get_thread_num() * (plan.v_bytes + plan.m_bytes);
        float* V = reinterpret_cast<float*>(mine);
        float* Mt = reinterpret_cast<float*>(mine + plan.v_bytes);
#pragma omp for schedule(dynamic)
        for (int64_t block = 0; block < plan.blocks; ++block) {
            const int64_t q0 = plan.first_group(block, grid), q1 = plan.first_group(block + 1, grid);
            const int64_t count = grid.first_tile(q1) - grid.first_tile(q0);
            const BlockGroups groups(grid, q0, q1);
            for (int64_t group = 0; group < p.g; ++group) {
                {
                    TimingPhaseScope scope(a.timing_phases, "input_transform");
                    input_transform<Tile>(p, groups, a.x, group, 0, icg, nb, V);
                }
                {
                    TimingPhaseScope scope(a.timing_phases, "gemm");
                    for (int64_t xi = 0; xi < A2; ++xi)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(ocg), int(count), int(icg), 1.0f,
                                    U + (xi * p.oc + group * ocg) * icg, int(icg), V + xi * icg * nb, int(nb), 0.0f,
                                    Mt + xi * ocg * nb, int(nb));
                }
                TimingPhaseScope scope(a.timing_phases, "output_transform");
                output_transform<Tile>(p, groups, Mt, a.b, group, 0, ocg, nb, a.y);
            }
        }
    }
}

// The forward pass, its plan built once: streaming the filters in blocks
// when the tiles are fewer than the output channels, else blocks of tiles.
template <class Tile>
class WinogradForward final : public Primitive {
public:
    WinogradForward(const Problem& p, int threads, const Machine& machine)
        : Primitive(threads), p_(p), stream_(p, threads, machine), tiles_(p, threads, machine) {}
    int64_t workspace_bytes() const override {
        return stream_.used ? stream_.workspace_bytes() : tiles_.workspace_bytes();
    }

protected:
    void run(const ConvArgs& a) const override {
        if (stream_.used) return fwd_by_filter_blocks<Tile>(p_, a, stream_);
        fwd_by_tile_blocks<Tile>(p_, a, tiles_);
    }

private:
    Problem p_;
    FilterBlockPlan<Tile> stream_;
    TileBlockPlan<Tile> tiles_;
};

}  // namespace

template <class Tile>
Prepared winograd_prepare(std::string_view name, const Problem& p, Direction d, int threads,
                          const Machine& machine) {
    if (!winograd_shape(p)) return declined(name, "needs 3x3 kernel, stride 1, no dilation");
    switch (d) {
        case Direction::fwd: return {std::make_unique<WinogradForward<Tile>>(p, threads, machine), {}};
        case Direction::bwd_d:
            return {full_conv_backward_data(
                        p, std::make_unique<WinogradForward<Tile>>(full_conv(p).forward, threads, machine)),
                    {}};
        case Direction::bwd_w: return {winograd_backward_weights<Tile>(p, threads), {}};
    }
    return declined(name, "unknown direction");
}

template Prepared winograd_prepare<TileF2x3>(std::string_view, const Problem&, Direction, int, const Machine&);
template Prepared winograd_prepare<TileF4x3>(std::string_view, const Problem&, Direction, int, const Machine&);
template Prepared winograd_prepare<TileF6x3>(std::string_view, const Problem&, Direction, int, const Machine&);

}  // namespace convlab
