#include "algorithms/indirect/plan.hpp"

#include <algorithm>

#include "algorithms/common/memory.hpp"
#include "algorithms/direct/isa.hpp"

namespace convlab::indirect {

Kernels chosen_kernels() {
    switch (direct::chosen_isa()) {
        case Isa::avx512: return avx512_kernels();
        case Isa::avx2: return avx2_kernels();
        case Isa::scalar: break;
    }
    return scalar_kernels();
}

std::string Plan::tile_name() const {
    const std::string cols = "x" + std::to_string(nr);
    if (d == Direction::bwd_w && tap_group > 1)
        return std::string(kernels.isa) + " " + std::to_string(tap_group) + " taps x " + std::to_string(p.icg()) + cols;
    const int64_t rows = d == Direction::bwd_w ? kernels.mrw : kernels.mr;
    return std::string(kernels.isa) + " " + std::to_string(rows) + cols;
}

Plan make_plan(const Problem& p, Direction d, int threads, const Kernels& kernels) {
    Plan plan;
    plan.p = p, plan.d = d, plan.threads = std::max(1, threads), plan.kernels = kernels;
    const int64_t L = kernels.lanes;
    plan.out_channels = d == Direction::bwd_d ? p.icg() : p.ocg();
    plan.reduction = d == Direction::bwd_d ? p.ocg() : p.icg();
    plan.nr = plan.out_channels <= L ? L : 2 * L;
    plan.panels = ceil_div(plan.out_channels, plan.nr);
    if (d == Direction::bwd_d) plan.phases = stride_phases(p);
    if (d == Direction::bwd_w) {
        // A chunk's x and dy rows (about (ic + oc) floats a pixel) within
        // 64 KiB, so the tasks after the first find most of them in L1
        // rather than L2; at least 8 tiles, so that loading and storing the
        // dW tile between chunks stays a small part of a call.
        const int64_t pixels = std::clamp<int64_t>(16384 / (p.ic + p.oc), 8 * kernels.mr, 4096);
        plan.pixel_chunk = round_up(pixels, kernels.mr);
        // Fewer input channels a group than half a tile (conv1's 3, depthwise's
        // 1): tiles of several taps x all of them, instead of one tap's
        // channels padded to mrw, most of whose FMAs would be on repeats.
        const int64_t icg = p.icg();
        if (icg <= Kernels::max_group_channels && kernels.tap_groups[icg].taps > 1)
            plan.tap_group = kernels.tap_groups[icg].taps;
        plan.icg_rows = plan.tap_group > 1 ? icg : round_up(icg, kernels.mrw);
        plan.ocg_cols = round_up(p.ocg(), plan.nr);
        return plan;
    }
    // A block's distinct input rows, about kernel rows x block pixels x
    // stride x reduction channels, within 128 KiB, beside the weight panel
    // it meets them with in L2.
    const int64_t kernel_rows = d == Direction::fwd ? p.kh * p.sw : 1 + (p.kh - 1) / p.sh;
    const int64_t tile_bytes = kernel_rows * kernels.mr * plan.reduction * int64_t(sizeof(float));
    plan.tiles_per_block = std::clamp<int64_t>(128 * 1024 / std::max<int64_t>(tile_bytes, 1), 1, 64);
    return plan;
}

}  // namespace convlab::indirect
