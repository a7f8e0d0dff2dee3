// What the indirect engine decides once per problem, direction and thread
// count: the ISA's kernels, the panel width, how many pixel tiles share a
// pass over a weight panel, the stride phases of backward data and the pixel
// chunks of backward weights. Plain data; the primitive (indirect.cpp) owns
// the buffers it sizes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/indirect/indirection.hpp"
#include "algorithms/indirect/kernel_api.hpp"

namespace convlab::indirect {

struct Plan {
    Problem p;
    Direction d = Direction::fwd;
    int threads = 1;
    Kernels kernels;
    // Output channels per tile: one vector when the direction's output
    // channels per group fit in one (less work on zero lanes), else two.
    int64_t nr = 0;
    int64_t out_channels = 0, reduction = 0;  // per group: of the direction's output, of its sum per tap
    int64_t panels = 0;                       // tiles of nr across out_channels
    // fwd, bwd_d: pixel tiles per task, which run one weight panel after the
    // other, so each panel is read from memory once per block of tiles.
    int64_t tiles_per_block = 1;

    std::vector<StridePhase> phases;      // bwd_d
    int64_t pixel_chunk = 0;        // bwd_w: pixels summed per pass over the tasks (a multiple of mr)
    int64_t icg_rows = 0, ocg_cols = 0;  // bwd_w: the staged dW tiles' padded sizes
    // bwd_w: taps a tile holds: 1 (mrw input channels of one tap), or, when a
    // group has too few input channels to fill a tile, a tap-group kernel's
    // taps x all of them.
    int64_t tap_group = 1;

    ConvTileFn conv_fn() const { return nr == kernels.lanes ? kernels.conv_narrow : kernels.conv_wide; }
    GradTileFn grad_fn() const {
        if (tap_group > 1) {
            const TapGroupKernels& t = kernels.tap_groups[p.icg()];
            return nr == kernels.lanes ? t.narrow : t.wide;
        }
        return nr == kernels.lanes ? kernels.grad_narrow : kernels.grad_wide;
    }
    // "avx512 8x32": the ISA and the register tile (pixels or input channels x output channels).
    std::string tile_name() const;
};

// CONVLAB_ISA when set (as the direct engine reads it), else the best the CPU has.
Kernels chosen_kernels();

Plan make_plan(const Problem& p, Direction d, int threads, const Kernels& kernels);

}  // namespace convlab::indirect
