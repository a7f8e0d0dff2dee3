// im2col_gemm's batched small-plane paths: when an image's output plane is
// narrower than a GEMM runs well on (Plan::images_per_block > 1, ResNet-50's
// 7x7 layers), several images' columns sit side by side, n = images * oh * ow
// columns, and each group takes one GEMM for all of them. The workspace slice
// holds the columns, then an ocg x n matrix for the GEMM's other side (the
// output before it is copied to its images, or dy gathered from them).
#include <algorithm>
#include <cstring>

#include "algorithms/im2col_gemm/im2col.hpp"
#include "algorithms/im2col_gemm/im2col_gemm_steps.hpp"

namespace convlab::im2col_gemm {

namespace {

// The ocg x n matrix after the columns in a thread's slice.
float* side_matrix(const Plan& plan, const Problem& p, float* col) {
    return col + aligned_float_bytes(plan.k * plan.images_per_block * p.oh * p.ow) / int64_t(sizeof(float));
}

// Group g's column matrix of `images` images side by side: image i's columns start at column i * oh * ow.
void im2col_side_by_side(const Problem& p, const float* x, int64_t g, int64_t images, float* col) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, x_image = p.ic * in_plane;
    for (int64_t i = 0; i < images; ++i)
        im2col(p, x + i * x_image + g * p.icg() * in_plane, 0, p.oh, col + i * out_plane, images * out_plane);
}

// Group g's ocg planes of each image side by side: row r of `to` is plane r of every image in turn.
void gather_planes(const Problem& p, const float* from, int64_t g, int64_t images, float* to) {
    const int64_t out_plane = p.oh * p.ow, n = images * out_plane, y_image = p.oc * out_plane;
    for (int64_t r = 0; r < p.ocg(); ++r)
        for (int64_t i = 0; i < images; ++i)
            std::memcpy(to + r * n + i * out_plane, from + i * y_image + (g * p.ocg() + r) * out_plane,
                        size_t(out_plane) * sizeof(float));
}

}  // namespace

// One GEMM per group, then the output copied to its images with the bias added (timed as "bias").
void forward_batch(const Problem& p, const Plan& plan, const float* x, const float* w, const float* b, float* y,
                   int64_t images, float* col, TimingPhases* timing_phases) {
    const int64_t out_plane = p.oh * p.ow, ocg = p.ocg();
    const int64_t y_image = p.oc * out_plane, n = images * out_plane;
    float* out = side_matrix(plan, p, col);
    for (int64_t g = 0; g < p.g; ++g) {
        {
            TimingPhaseScope scope(timing_phases, "im2col");
            im2col_side_by_side(p, x, g, images, col);
        }
        {
            TimingPhaseScope scope(timing_phases, "gemm");
            sgemm(false, false, ocg, n, plan.k, w + g * ocg * plan.k, plan.k, col, n, 0.0f, out, n);
        }
        TimingPhaseScope scope(timing_phases, "bias");
        for (int64_t oc = g * ocg; oc < (g + 1) * ocg; ++oc) {
            const float bias = b ? b[oc] : 0.0f;
            for (int64_t i = 0; i < images; ++i) {
                const float* src = out + (oc - g * ocg) * n + i * out_plane;
                float* dst = y + i * y_image + oc * out_plane;
                for (int64_t e = 0; e < out_plane; ++e) dst[e] = src[e] + bias;
            }
        }
    }
}

// dcol = W_g^T * (dy of the images side by side), then each image's columns
// scattered into its dx (copied, for a 1x1 stride-1 unpadded problem).
void backward_data_batch(const Problem& p, const Plan& plan, const float* dy, const float* w, float* dx,
                         int64_t images, float* col, TimingPhases* timing_phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    const int64_t x_image = p.ic * in_plane, n = images * out_plane;
    float* dy_side = side_matrix(plan, p, col);
    if (!plan.direct && col2im_needs_zeroed_dx(p)) {
        TimingPhaseScope scope(timing_phases, "col2im");
        std::memset(dx, 0, size_t(images * x_image) * sizeof(float));  // the scatter adds into it
    }
    for (int64_t g = 0; g < p.g; ++g) {
        {
            TimingPhaseScope scope(timing_phases, "gather");
            gather_planes(p, dy, g, images, dy_side);
        }
        {
            TimingPhaseScope scope(timing_phases, "gemm");
            sgemm(true, false, plan.k, n, ocg, w + g * ocg * plan.k, plan.k, dy_side, n, 0.0f, col, n);
        }
        TimingPhaseScope scope(timing_phases, "col2im");
        for (int64_t i = 0; i < images; ++i) {
            float* dxg = dx + i * x_image + g * icg * in_plane;
            if (!plan.direct) {
                col2im(p, col + i * out_plane, 0, p.oh, dxg, n);
                continue;
            }
            for (int64_t c = 0; c < icg; ++c)
                std::memcpy(dxg + c * in_plane, col + c * n + i * out_plane, size_t(out_plane) * sizeof(float));
        }
    }
}

// dw = (accumulate ? dw : 0) + dy_g * im2col(x)_g^T over the images side by side.
void backward_weights_batch(const Problem& p, const Plan& plan, const float* x, const float* dy, float* dw,
                            int64_t images, bool accumulate, float* col, TimingPhases* timing_phases) {
    const int64_t ocg = p.ocg(), n = images * p.oh * p.ow;
    float* dy_side = side_matrix(plan, p, col);
    for (int64_t g = 0; g < p.g; ++g) {
        {
            TimingPhaseScope scope(timing_phases, "im2col");
            im2col_side_by_side(p, x, g, images, col);
        }
        {
            TimingPhaseScope scope(timing_phases, "gather");
            gather_planes(p, dy, g, images, dy_side);
        }
        TimingPhaseScope scope(timing_phases, "gemm");
        sgemm(false, true, ocg, plan.k, n, dy_side, n, col, n, accumulate ? 1.0f : 0.0f, dw + g * ocg * plan.k,
              plan.k);
    }
}

}  // namespace convlab::im2col_gemm
