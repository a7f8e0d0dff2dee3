// The Winograd forward's two plans (winograd_conv.cpp runs them): blocks of
// tiles (TileBlockPlan), or, when the tiles are fewer than the output
// channels, blocks of filters over every tile (FilterBlockPlan). Both size
// their blocks to the L2 of the Machine they are given, so a test can plan
// for a machine other than this one.
#pragma once

#include <algorithm>
#include <cstdint>

#include "algorithms/common/memory.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/problem.hpp"
#include "algorithms/winograd/winograd_tiles.hpp"

namespace convlab {

// Most lane groups in one block (BlockGroups' arrays in winograd_conv.cpp).
inline constexpr int64_t max_block = 512;

// Per-thread working set of V and M the tile blocks aim for: four fifths of
// the L2, the rest left to the rows of U and the input streaming past (1 MiB
// on the 1.25 MiB L2 it was tuned on); min_block_tiles below raises it where
// the GEMMs need wider blocks.
inline int64_t tile_block_budget_bytes(const Machine& machine) { return machine.l2_bytes * 4 / 5; }

// Fewest GEMM columns (tiles) per block. F(2,3): twice the channels, 128 to
// 256. The budget alone gives 128 at 128 channels and up, where OpenBLAS runs
// the [ocg x icg] . [icg x 128] products well below its peak; measured at
// mb 8, 1 thread: 256 columns cut res3a's forward by ~15% and res4a's by ~5%,
// while res2a (64 channels) is better at 128. F(4,3): 64. Its V and M take
// 36 rows per tile, not 16, and at 128 to 256 columns they left the L2:
// 64 columns cut res2a's forward from 5.3 to 4.6 ms and res3a's from 4.4 to
// 3.9 (2 threads, min of 3 interleaved runs, on a 1 MiB-L2 Zen 4), and
// changed nothing on res4a and res5a. F(6,3) (64 rows per tile) takes F(4,3)'s.
template <class Tile>
int64_t min_block_tiles(const Problem& p) {
    return Tile::alpha >= 6 ? 64 : std::clamp<int64_t>(2 * p.icg(), 128, 256);
}

template <class Tile>
struct TileBlockPlan {
    static constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    int64_t threads, groups_per_block, blocks, nb;  // nb: GEMM columns a block can hold
    int64_t u_bytes, v_bytes, m_bytes;

    TileBlockPlan(const Problem& p, int thread_count, const Machine& machine) {
        const TileGrid grid(p, Tile::m);
        threads = thread_count;
        const int64_t per_tile_bytes = A2 * (p.icg() + p.ocg()) * int64_t(sizeof(float));
        const int64_t tiles = std::clamp<int64_t>(tile_block_budget_bytes(machine) / per_tile_bytes,
                                                  min_block_tiles<Tile>(p), max_block);
        // Whole lane groups, and with several threads at least two blocks per
        // thread: blocks are handed out as threads come free, so on a busy
        // machine a thread that loses its core holds up only part of its share.
        const int64_t tiles_per_group = std::max<int64_t>(grid.count / grid.group_count, 1);
        const int64_t blocks_wanted = threads == 1 ? 1 : 2 * threads;
        groups_per_block = std::min({std::max<int64_t>(tiles / tiles_per_group, 1),
                                     ceil_div(grid.group_count, blocks_wanted), max_block});
        // Then a whole number of blocks per thread, their sizes differing by
        // at most one lane group: with 13 blocks on 2 threads (res2a at 128
        // columns) one thread ran 7 while the other waited through the last
        // (measured: 10-15% of the forward).
        blocks = std::min(round_up(ceil_div(grid.group_count, groups_per_block), threads), grid.group_count);
        groups_per_block = ceil_div(grid.group_count, blocks);  // the largest block
        nb = groups_per_block * winograd_lanes;
        u_bytes = aligned_float_bytes(A2 * p.oc * p.icg());
        v_bytes = aligned_float_bytes(A2 * p.icg() * nb);
        m_bytes = aligned_float_bytes(A2 * p.ocg() * nb);
    }
    int64_t workspace_bytes() const { return u_bytes + threads * (v_bytes + m_bytes); }
    int64_t first_group(int64_t block, const TileGrid& grid) const { return block * grid.group_count / blocks; }
};

// Few tiles and many channels (the 7x7 and 14x14 layers): the transformed
// filters outweigh the transformed tiles (16 MB for F(2,3) at 512 channels)
// and the tile-block loop would read them from memory once per block. So the
// forward keeps every tile's V instead and streams the filters through once:
// per block of output channels, G g G^T of just those filters, the alpha^2
// GEMMs [oc block x icg] . [icg x all tiles], and the output transform. A
// block's U aims at twice the tile blocks' budget. The block size does not
// depend on the thread count, and each output element comes from one block,
// so results repeat bit for bit.
inline int64_t filter_block_budget_bytes(const Machine& machine) { return 2 * tile_block_budget_bytes(machine); }

template <class Tile>
struct FilterBlockPlan {
    static constexpr int64_t A2 = Tile::alpha * Tile::alpha;
    bool used = false;
    int64_t threads, oc_block, oc_blocks, nb, u_bytes, v_bytes, m_bytes;

    FilterBlockPlan(const Problem& p, int thread_count, const Machine& machine) {
        const TileGrid grid(p, Tile::m);
        threads = thread_count;
        nb = round_up(grid.count, winograd_lanes) + winograd_lanes;  // room for the last lane group's spare lanes
        // Worth it when the tiles are fewer than the output channels (V is then
        // smaller than U); one group only, and all lane groups in one BlockGroups.
        used = p.g == 1 && grid.count <= p.oc && grid.group_count <= max_block;
        const int64_t per_oc_bytes = A2 * p.icg() * int64_t(sizeof(float));
        oc_block = std::clamp<int64_t>(filter_block_budget_bytes(machine) / per_oc_bytes / 16 * 16, 32, 128);
        oc_block = std::min(oc_block, p.oc);
        oc_blocks = ceil_div(p.oc, oc_block);
        u_bytes = aligned_float_bytes(A2 * oc_block * p.icg());
        v_bytes = aligned_float_bytes(A2 * p.icg() * nb);
        m_bytes = aligned_float_bytes(A2 * oc_block * nb);
    }
    int64_t workspace_bytes() const { return v_bytes + threads * (u_bytes + m_bytes); }
};

}  // namespace convlab
