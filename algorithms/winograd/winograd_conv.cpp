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
#include "algorithms/direct/isa.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_kernels.hpp"
#include "algorithms/winograd/winograd_plans.hpp"
#include "algorithms/winograd/winograd_tiles.hpp"

namespace convlab {

bool winograd_shape(const Problem& p) {
    return p.kh == 3 && p.kw == 3 && p.sh == 1 && p.sw == 1 && p.dh == 0 && p.dw == 0;
}

namespace {

// The filters the forward transforms: its own w[oc][icg], or, for backward
// data, the weights of the problem it is the full convolution of, read in
// place: filter (oc, c) of group g is that problem's w[g][c][oc % ocg]
// rotated by 180 degrees (its input and output channels swapped), so no
// rotated copy of the weights is made first.
struct FilterSource {
    const float* w = nullptr;
    bool rotated = false;
};

// U[xi][oc][icg] = (G w[oc][icg] G^T)[xi] for output channels oc_begin ..
// oc_end into U[xi][oc - oc_begin][icg], whose xi-planes are `plane` floats
// apart: the layout the GEMMs read as their left operand, made once per call.
// In float: in double this transform took 40% of the forward of 512-channel
// 7x7 layers; float adds a few ulps to U, far inside each tile's tolerance
// (see winograd_f4x3.cpp). kernels.lanes input channels per call.
template <class Tile>
void filter_transform(const WinogradKernels& kernels, const Problem& p, const FilterSource& f, int64_t oc_begin,
                      int64_t oc_end, int64_t plane, float* U) {
    const int L = kernels.lanes;
    const int64_t icg = p.icg(), ocg = p.ocg();
    const FilterTransformFn filter = f.rotated ? kernels.filter_rotated : kernels.filter;
    const int64_t lane_stride = f.rotated ? ocg * 9 : 9;  // floats from one input channel's filter to the next
    for (int64_t oc = oc_begin; oc < oc_end; ++oc)
        for (int64_t c0 = 0; c0 < icg; c0 += L) {
            const float* src = f.rotated ? f.w + ((oc / ocg * icg + c0) * ocg + oc % ocg) * 9 : f.w + (oc * icg + c0) * 9;
            // The filters stream from memory and the gathers wait on them (the
            // transform's hot spot): ask for the lines four calls ahead. (The
            // rotated filters of the next output channel share their lines.)
            if (!f.rotated)
                for (int k = 0; k < 9 * L; k += 16) __builtin_prefetch(src + 4 * 9 * L + k);
            transform_filters<Tile>(kernels, filter, src, lane_stride, int(std::min<int64_t>(L, icg - c0)), plane,
                                    U + (oc - oc_begin) * icg + c0);
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

// Most channels per kernel call (AVX-512's two).
constexpr int max_channels = 2;

// V[xi][c][k] for the block's tiles (GEMM column k) and the group's input
// channels c_begin .. c_end, kernels.channels channels per call. Channel-outer,
// so each input plane is read as one stream. Each lane group stores all 8
// lanes; the lanes beyond its tiles are overwritten by the next lane group or
// lie beyond the GEMM's columns. A last odd channel is passed twice, its
// results stored twice in the same place.
template <class Tile>
void input_transform(const WinogradKernels& kernels, const Problem& p, const BlockGroups& b, const float* x,
                     int64_t group, int64_t c_begin, int64_t c_end, int64_t nb, float* V) {
    constexpr int A = Tile::alpha, L = winograd_lanes;
    const int64_t icg = p.icg();
    const int P = kernels.channels;
    // Lane group k reads rows[k % 2], staged while k - 1 was transformed.
    WindowRows<A, Tile::m, L> rows[2][max_channels];
    const float* window[max_channels * A];
    for (int64_t c = c_begin; c < c_end; c += P) {
        const int n = int(std::min<int64_t>(P, c_end - c));
        const int64_t channel = group * icg + c;
        for (int q = 0; q < int(std::min<int64_t>(P, c_end - c - P)); ++q)
            prefetch_block_input<Tile>(p, b, x, channel + P + q);
        const auto stage = [&](int slot, int64_t k) {
            for (int q = 0; q < n; ++q)
                rows[slot][q].stage(x, p.ic, channel + q, p.ih, p.iw, p.ph, p.pw, b.group[k]);
        };
        stage(0, 0);
        for (int64_t k = 0; k < b.size; ++k) {
            if (k + 1 < b.size) stage(int((k + 1) % 2), k + 1);
            for (int q = 0; q < P; ++q)
                for (int i = 0; i < A; ++i) window[q * A + i] = rows[k % 2][std::min(q, n - 1)].row[i];
            kernels.input(window, V + c * nb + b.column[k], icg * nb, n > 1 ? nb : 0);
        }
    }
}

// y for the block's tiles and the group's output channels o_begin .. o_end
// from M[xi][o - o_begin][k]: A^T M A plus bias, kernels.channels channels
// per call.
template <class Tile>
void output_transform(const WinogradKernels& kernels, const Problem& p, const BlockGroups& b, const float* Mt,
                      const float* bias, int64_t group, int64_t o_begin, int64_t o_end, int64_t nb, float* y) {
    constexpr int Mo = Tile::m, L = winograd_lanes;
    const int64_t ocg = p.ocg(), rows = o_end - o_begin;
    const int P = kernels.channels;
    for (int64_t o = o_begin; o < o_end; o += P) {
        const int n = int(std::min<int64_t>(P, o_end - o));
        const int64_t oc = group * ocg + o;
        for (int64_t k = 0; k < b.size; ++k) {
            float out[max_channels][Mo][Mo][L];
            kernels.output(Mt + (o - o_begin) * nb + b.column[k], rows * nb, n > 1 ? nb : 0, &out[0][0][0][0]);
            for (int q = 0; q < n; ++q)
                scatter_blocks<Mo, L>(out[q], bias ? bias[oc + q] : 0.0f, y, p.oc, oc + q, p.oh, p.ow, b.group[k]);
        }
    }
}

template <class Tile>
void fwd_by_filter_blocks(const WinogradKernels& kernels, const Problem& p, const ConvArgs& a, const FilterSource& f,
                          const FilterBlockPlan<Tile>& plan) {
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
                input_transform<Tile>(kernels, p, groups, a.x, 0, c0, std::min(icg, c0 + channels_per_task), nb, V);
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
                filter_transform<Tile>(kernels, p, f, o_begin, o_end, rows * icg, U);
            }
            {
                TimingPhaseScope scope(a.timing_phases, "gemm");
                for (int64_t xi = 0; xi < A2; ++xi)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), int(grid.count), int(icg), 1.0f,
                                U + xi * rows * icg, int(icg), V + xi * icg * nb, int(nb), 0.0f, Mt + xi * rows * nb,
                                int(nb));
            }
            TimingPhaseScope scope(a.timing_phases, "output_transform");
            output_transform<Tile>(kernels, p, groups, Mt, a.b, 0, o_begin, o_end, nb, a.y);
        }
    }
}

template <class Tile>
void fwd_by_tile_blocks(const WinogradKernels& kernels, const Problem& p, const ConvArgs& a, const FilterSource& f,
                        const TileBlockPlan<Tile>& plan) {
    constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    const TileGrid grid(p, Tile::m);
    const int64_t icg = p.icg(), ocg = p.ocg(), nb = plan.nb;
    float* U = reinterpret_cast<float*>(a.workspace);
#pragma omp parallel num_threads(int(plan.threads))
    {
        {
            TimingPhaseScope scope(a.timing_phases, "filter_transform");
#pragma omp for schedule(static)
            for (int64_t oc = 0; oc < p.oc; ++oc) filter_transform<Tile>(kernels, p, f, oc, oc + 1, p.oc * icg, U + oc * icg);
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
                    input_transform<Tile>(kernels, p, groups, a.x, group, 0, icg, nb, V);
                }
                {
                    TimingPhaseScope scope(a.timing_phases, "gemm");
                    for (int64_t xi = 0; xi < A2; ++xi)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(ocg), int(count), int(icg), 1.0f,
                                    U + (xi * p.oc + group * ocg) * icg, int(icg), V + xi * icg * nb, int(nb), 0.0f,
                                    Mt + xi * ocg * nb, int(nb));
                }
                TimingPhaseScope scope(a.timing_phases, "output_transform");
                output_transform<Tile>(kernels, p, groups, Mt, a.b, group, 0, ocg, nb, a.y);
            }
        }
    }
}

// The forward pass, its plan built once: streaming the filters in blocks
// when the tiles are fewer than the output channels, else blocks of tiles.
// rotated: the filters are read as backward data's (FilterSource).
template <class Tile>
class WinogradForward final : public Primitive {
public:
    WinogradForward(const Problem& p, int threads, const Machine& machine, const WinogradKernels& kernels,
                    bool rotated = false)
        : Primitive(threads), p_(p), stream_(p, threads, machine), tiles_(p, threads, machine), kernels_(kernels),
          rotated_(rotated) {}
    int64_t workspace_bytes() const override {
        return stream_.used ? stream_.workspace_bytes() : tiles_.workspace_bytes();
    }
    std::string implementation() const override { return std::string(kernels_.isa); }
    void compute(const ConvArgs& a) const {
        const FilterSource f{a.w, rotated_};
        if (stream_.used) return fwd_by_filter_blocks<Tile>(kernels_, p_, a, f, stream_);
        fwd_by_tile_blocks<Tile>(kernels_, p_, a, f, tiles_);
    }

protected:
    void run(const ConvArgs& a) const override { compute(a); }

private:
    Problem p_;
    FilterBlockPlan<Tile> stream_;
    TileBlockPlan<Tile> tiles_;
    WinogradKernels kernels_;
    bool rotated_;
};

// Backward data when its full convolution needs no crop (padding at most 2):
// the forward of full_conv(p) on dy straight into dx, its filter transform
// reading w rotated in place. Otherwise full_conv_backward_data (a rotated
// copy of w, and the crop).
bool fused_backward_data(const Problem& p) {
    const FullConv f = full_conv(p);
    return f.crop_h == 0 && f.crop_w == 0;
}

template <class Tile>
class WinogradBackwardData final : public Primitive {
public:
    WinogradBackwardData(const Problem& p, int threads, const Machine& machine, const WinogradKernels& kernels)
        : Primitive(threads), forward_(full_conv(p).forward, threads, machine, kernels, true) {}
    int64_t workspace_bytes() const override { return forward_.workspace_bytes(); }
    std::string implementation() const override { return forward_.implementation(); }

protected:
    void run(const ConvArgs& a) const override {
        ConvArgs fwd;
        fwd.x = a.dy;
        fwd.w = a.w;
        fwd.y = a.dx;
        fwd.workspace = a.workspace;
        fwd.timing_phases = a.timing_phases;
        forward_.compute(fwd);
    }

private:
    WinogradForward<Tile> forward_;
};

}  // namespace

template <class Tile>
Prepared winograd_prepare(std::string_view name, const Problem& p, Direction d, int threads,
                          const Machine& machine) {
    if (!winograd_shape(p)) return declined(name, "needs 3x3 kernel, stride 1, no dilation");
    const WinogradKernels kernels = winograd_kernels<Tile>(direct::chosen_isa(machine));
    switch (d) {
        case Direction::fwd: return {std::make_unique<WinogradForward<Tile>>(p, threads, machine, kernels), {}};
        case Direction::bwd_d:
            if (fused_backward_data(p))
                return {std::make_unique<WinogradBackwardData<Tile>>(p, threads, machine, kernels), {}};
            return {full_conv_backward_data(p, std::make_unique<WinogradForward<Tile>>(full_conv(p).forward, threads,
                                                                                       machine, kernels)),
                    {}};
        case Direction::bwd_w: return {winograd_backward_weights<Tile>(p, threads, kernels), {}};
    }
    return declined(name, "unknown direction");
}

template Prepared winograd_prepare<TileF2x3>(std::string_view, const Problem&, Direction, int, const Machine&);
template Prepared winograd_prepare<TileF4x3>(std::string_view, const Problem&, Direction, int, const Machine&);
template Prepared winograd_prepare<TileF6x3>(std::string_view, const Problem&, Direction, int, const Machine&);

}  // namespace convlab
