#include "algorithms/indirect/drivers.hpp"

#include <omp.h>

#include <algorithm>

#include "algorithms/common/memory.hpp"
#include "algorithms/indirect/staging.hpp"

namespace convlab::indirect {

namespace {

// One pass of the tile kernel over `pixels` pixels of a gather (a forward
// convolution, or one stride phase of backward data): tasks are (block of
// tiles, group); in a task each panel meets every tile of the block.
// out_of(q) is pixel q's output row at channel 0.
template <class OutOf>
void run_tiles(const Plan& plan, int64_t pixels, int64_t taps, const float* const* rows, const float* panels,
               OutOf out_of) {
    const Kernels& k = plan.kernels;
    const ConvTileFn fn = plan.conv_fn();
    const int64_t mr = k.mr, tiles = tiles_of(pixels, mr), block = plan.tiles_per_block;
    const int64_t blocks = (tiles + block - 1) / block, groups = plan.p.g;
    const int64_t panel_size = panel_floats(plan.nr, taps, plan.reduction);
#pragma omp parallel for num_threads(plan.threads) schedule(static)
    for (int64_t task = 0; task < blocks * groups; ++task) {
        const int64_t grp = task % groups, first_tile = task / groups * block;
        const int64_t last_tile = std::min(tiles, first_tile + block);
        float* out[16];  // mr <= 16
        for (int64_t j = 0; j < plan.panels; ++j) {
            ConvTile t;
            t.row_offset = grp * plan.reduction;
            t.taps = taps, t.kc = plan.reduction;
            t.panel = panels + (grp * plan.panels + j) * panel_size;
            t.out = out;
            t.channels = std::min(plan.nr, plan.out_channels - j * plan.nr);
            const int64_t channel0 = grp * plan.out_channels + j * plan.nr;
            for (int64_t tile = first_tile; tile < last_tile; ++tile) {
                const int64_t q0 = tile * mr;
                t.pixels = std::min(mr, pixels - q0);
                for (int64_t m = 0; m < mr; ++m) out[m] = out_of(q0 + std::min(m, t.pixels - 1)) + channel0;
                t.rows = rows + tile * taps * mr;
                fn(t);
            }
        }
    }
}

}  // namespace

void run_forward(const Plan& plan, const float* const* rows, const float* panels, float* y, int64_t y_stride) {
    const Problem& p = plan.p;
    run_tiles(plan, p.mb * p.oh * p.ow, p.kh * p.kw, rows, panels, [&](int64_t q) { return y + q * y_stride; });
}

void run_backward_data(const Plan& plan, const std::vector<const float* const*>& rows,
                       const std::vector<const float*>& panels, float* dx, int64_t dx_stride) {
    const Problem& p = plan.p;
    for (size_t k = 0; k < plan.phases.size(); ++k) {
        const StridePhase& ph = plan.phases[k];
        const int64_t plane = ph.rows * ph.cols;
        auto out_of = [&](int64_t q) {
            const int64_t n = q / plane, iy = ph.row0 + q % plane / ph.cols * p.sh;
            const int64_t ix = ph.col0 + q % ph.cols * p.sw;
            return dx + ((n * p.ih + iy) * p.iw + ix) * dx_stride;
        };
        run_tiles(plan, ph.pixels(p), int64_t(ph.taps.size()), rows[k], panels[k], out_of);
    }
}

void run_weights_grad(const Plan& plan, const float* const* rows, const float* dy, int64_t dy_stride, float* dw) {
    const Problem& p = plan.p;
    const Kernels& k = plan.kernels;
    const GradTileFn fn = plan.grad_fn();
    const int64_t taps = p.kh * p.kw, pixels = p.mb * p.oh * p.ow, mr = k.mr, mrw = k.mrw;
    // Tap-group tiles hold all of a group's input channels at tap_group taps.
    const int64_t in_tiles = plan.tap_group > 1 ? 1 : plan.icg_rows / mrw;
    const int64_t tap_tiles = ceil_div(taps, plan.tap_group);
    // (group, tap tile, input-channel tile, panel), the panel innermost: the
    // tasks of one thread in a row read the same x rows.
    const int64_t tasks = p.g * tap_tiles * in_tiles * plan.panels;
#pragma omp parallel num_threads(plan.threads)
    {
        const int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
        const int64_t first = tasks * tid / nt, last = tasks * (tid + 1) / nt;
        for (int64_t q0 = 0; q0 < pixels; q0 += plan.pixel_chunk)
            for (int64_t task = first; task < last; ++task) {
                const int64_t j = task % plan.panels, it = task / plan.panels % in_tiles;
                const int64_t tap = task / (plan.panels * in_tiles) % tap_tiles * plan.tap_group;
                const int64_t grp = task / (plan.panels * in_tiles * tap_tiles);
                GradTile g;
                g.rows = rows + (q0 / mr * taps + tap) * mr;
                g.mr = mr, g.tile_stride = taps * mr;
                g.row_offset = grp * p.icg() + it * mrw;
                g.dy = dy + q0 * dy_stride + grp * p.ocg() + j * plan.nr;
                g.dy_stride = dy_stride;
                g.pixels = std::min(plan.pixel_chunk, pixels - q0);
                g.in_channels = plan.tap_group > 1 ? p.icg() : std::min(mrw, p.icg() - it * mrw);
                g.taps = std::min(plan.tap_group, taps - tap);
                g.out_channels = std::min(plan.nr, p.ocg() - j * plan.nr);
                g.dw = dw + ((grp * taps + tap) * plan.icg_rows + it * mrw) * plan.ocg_cols + j * plan.nr;
                g.dw_stride = plan.ocg_cols;
                g.first = q0 == 0;
                fn(g);
            }
    }
}

}  // namespace convlab::indirect
