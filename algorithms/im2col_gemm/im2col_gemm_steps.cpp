// im2col_gemm's plan (how big a column block is, how many images share a GEMM,
// how the workspace is sliced) and its per-image steps in each direction: the
// path every problem takes unless its output planes are small enough to batch
// (im2col_gemm_batched.cpp). The driver is im2col_gemm.cpp, beside this file.
#include <algorithm>
#include <cstring>

#include "algorithms/im2col_gemm/im2col.hpp"
#include "algorithms/im2col_gemm/im2col_gemm_steps.hpp"

namespace convlab::im2col_gemm {

namespace {

// One thread's column block. Large enough that each GEMM is big (N of a few
// thousand), small enough to stay in the cache between im2col and the GEMM.
constexpr int64_t column_block_budget = int64_t(4) << 20;
// Below this many output positions per image a GEMM is too narrow for
// OpenBLAS to run well (measured here, 1 thread: M512 K4608 runs at 96 GF/s
// with N = 49, 120 with N = 196), so the forward pass puts several images'
// columns side by side in one GEMM (ResNet-50's 7x7 layers); so do the
// backward passes, where a narrow GEMM is worse still: bwd_d reads all of W
// for 49 columns, bwd_w reads and writes all of dW for a depth of 49.
constexpr int64_t min_gemm_columns = 196;

bool input_is_column(const Problem& p) {
    return p.kh == 1 && p.kw == 1 && p.sh == 1 && p.sw == 1 && p.ph == 0 && p.pw == 0 && p.oh == p.ih &&
           p.ow == p.iw;
}

// Sets the ocg x cols block c (row distance ldc) to each row's bias, so the
// GEMM adds onto it with beta = 1: the bias costs no pass of its own over y,
// and OpenBLAS skips the pass that scales or zeroes C when beta is 1.
void fill_with_bias(const float* b, int64_t rows, int64_t cols, float* c, int64_t ldc) {
    for (int64_t r = 0; r < rows; ++r) std::fill(c + r * ldc, c + r * ldc + cols, b[r]);
}

}  // namespace

Plan make_plan(const Problem& p, int threads) {
    Plan plan;
    plan.direct = input_is_column(p);
    plan.k = im2col_rows(p);
    const int64_t row_bytes = plan.k * p.ow * int64_t(sizeof(float));
    const int64_t blocks = std::max<int64_t>(1, ceil_div(p.oh * row_bytes, column_block_budget));
    plan.rows_per_block = ceil_div(p.oh, blocks);
    plan.block_bytes = plan.direct ? 0 : aligned_float_bytes(plan.k * plan.rows_per_block * p.ow);
    plan.slices = threads > 1 && p.mb >= threads ? threads : 1;
    const int64_t out_plane = p.oh * p.ow;
    if (out_plane < min_gemm_columns) {
        const int64_t fit = column_block_budget / (plan.k * out_plane * int64_t(sizeof(float)));
        plan.images_per_block = std::max<int64_t>(
            1, std::min({ceil_div(min_gemm_columns, out_plane), ceil_div(p.mb, plan.slices), fit}));
    }
    plan.slice_bytes = plan.block_bytes;
    if (plan.images_per_block > 1)  // then one image's columns fit the budget: rows_per_block == oh
        plan.slice_bytes = aligned_float_bytes(plan.k * plan.images_per_block * out_plane) +
                           aligned_float_bytes(p.ocg() * plan.images_per_block * out_plane);
    return plan;
}

int64_t workspace_bytes(const Problem& p, const Plan& plan, Direction d) {
    int64_t bytes = plan.slices * plan.slice_bytes;
    if (d == Direction::bwd_w) bytes += (plan.slices - 1) * aligned_float_bytes(p.w_elems());
    return bytes;
}

void forward_image(const Problem& p, const Plan& plan, const float* x, const float* w, const float* b, float* y,
                   float* col, TimingPhases* timing_phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    const float beta = b ? 1.0f : 0.0f;
    for (int64_t g = 0; g < p.g; ++g) {
        const float* xg = x + g * icg * in_plane;
        const float* wg = w + g * ocg * plan.k;
        const float* bg = b ? b + g * ocg : nullptr;
        float* yg = y + g * ocg * out_plane;
        if (plan.direct) {
            TimingPhaseScope scope(timing_phases, "gemm");
            if (bg) fill_with_bias(bg, ocg, out_plane, yg, out_plane);
            sgemm(false, false, ocg, out_plane, plan.k, wg, plan.k, xg, in_plane, beta, yg, out_plane);
            continue;
        }
        for (int64_t oh0 = 0; oh0 < p.oh; oh0 += plan.rows_per_block) {
            const int64_t oh1 = std::min(p.oh, oh0 + plan.rows_per_block), n = im2col_cols(p, oh1 - oh0);
            {
                TimingPhaseScope scope(timing_phases, "im2col");
                im2col(p, xg, oh0, oh1, col);
            }
            TimingPhaseScope scope(timing_phases, "gemm");
            float* yblock = yg + oh0 * p.ow;
            if (bg) fill_with_bias(bg, ocg, n, yblock, out_plane);
            sgemm(false, false, ocg, n, plan.k, wg, plan.k, col, n, beta, yblock, out_plane);
        }
    }
}

void backward_data_image(const Problem& p, const Plan& plan, const float* dy, const float* w, float* dx,
                         float* col, TimingPhases* timing_phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    if (!plan.direct && col2im_needs_zeroed_dx(p)) {
        TimingPhaseScope scope(timing_phases, "col2im");
        std::memset(dx, 0, size_t(p.ic * in_plane) * sizeof(float));  // the scatter adds into it
    }
    for (int64_t g = 0; g < p.g; ++g) {
        const float* dyg = dy + g * ocg * out_plane;
        const float* wg = w + g * ocg * plan.k;
        float* dxg = dx + g * icg * in_plane;
        if (plan.direct) {
            TimingPhaseScope scope(timing_phases, "gemm");
            sgemm(true, false, plan.k, out_plane, ocg, wg, plan.k, dyg, out_plane, 0.0f, dxg, in_plane);
            continue;
        }
        for (int64_t oh0 = 0; oh0 < p.oh; oh0 += plan.rows_per_block) {
            const int64_t oh1 = std::min(p.oh, oh0 + plan.rows_per_block), n = im2col_cols(p, oh1 - oh0);
            {
                TimingPhaseScope scope(timing_phases, "gemm");
                sgemm(true, false, plan.k, n, ocg, wg, plan.k, dyg + oh0 * p.ow, out_plane, 0.0f, col, n);
            }
            TimingPhaseScope scope(timing_phases, "col2im");
            col2im(p, col, oh0, oh1, dxg);
        }
    }
}

void backward_weights_image(const Problem& p, const Plan& plan, const float* x, const float* dy, float* dw,
                            bool accumulate, float* col, TimingPhases* timing_phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    for (int64_t g = 0; g < p.g; ++g) {
        const float* xg = x + g * icg * in_plane;
        const float* dyg = dy + g * ocg * out_plane;
        float* dwg = dw + g * ocg * plan.k;
        float beta = accumulate ? 1.0f : 0.0f;
        if (plan.direct) {
            TimingPhaseScope scope(timing_phases, "gemm");
            sgemm(false, true, ocg, plan.k, out_plane, dyg, out_plane, xg, in_plane, beta, dwg, plan.k);
            continue;
        }
        for (int64_t oh0 = 0; oh0 < p.oh; oh0 += plan.rows_per_block, beta = 1.0f) {
            const int64_t oh1 = std::min(p.oh, oh0 + plan.rows_per_block), n = im2col_cols(p, oh1 - oh0);
            {
                TimingPhaseScope scope(timing_phases, "im2col");
                im2col(p, xg, oh0, oh1, col);
            }
            TimingPhaseScope scope(timing_phases, "gemm");
            sgemm(false, true, ocg, plan.k, n, dyg + oh0 * p.ow, out_plane, col, n, beta, dwg, plan.k);
        }
    }
}

}  // namespace convlab::im2col_gemm
