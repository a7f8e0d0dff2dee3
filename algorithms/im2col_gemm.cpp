// im2col + GEMM (OpenBLAS), all three directions, every stride, padding,
// dilation and group count:
//   fwd:   col = im2col(x); y_g = W_g * col_g (+ bias)
//   bwd_d: dcol = W_g^T * dy_g; dx += col2im(dcol)   (the col2im scatter-add)
//   bwd_w: dW_g += dy_g * im2col(x)_g^T over images; db = sum of dy
// Work goes image by image and, within an image, in blocks of output rows
// whose column matrix fits a fixed budget, so the workspace does not grow
// with the batch. Images with small output planes go several to a GEMM, their
// columns side by side, in every direction. With at least as many images as threads, images run in
// parallel with single-threaded GEMMs (one workspace slice per thread);
// otherwise one image at a time with OpenBLAS's own threads. A 1x1, stride-1,
// unpadded convolution needs no im2col: the input planes are the columns.
//
// This file is the driver: the image loop, the threading and the bias
// gradient. The plan and the per-image steps are in
// transforms/im2col_gemm_steps.cpp, the batched small-plane steps in
// transforms/im2col_gemm_batched.cpp.
#include "algorithms/im2col_gemm.hpp"

#include <omp.h>

#include <algorithm>

#include "algorithms/phase_times.hpp"
#include "algorithms/transforms/im2col_gemm_steps.hpp"

namespace convlab {

namespace {

using namespace im2col_gemm;

// Images [begin, end) of thread t out of `threads`: contiguous, sizes differing by at most one.
int64_t share(int64_t mb, int t, int threads) { return mb * t / threads; }

// Images [begin, end) of one direction with one thread's workspace slice
// (`dw` is that thread's weight gradient in bwd_w), images_per_block at a time.
void run_images(const Problem& p, const Plan& plan, Direction d, const ConvArgs& a, float* dw, int64_t begin,
                int64_t end, float* slice) {
    const int64_t x_image = p.ic * p.ih * p.iw, y_image = p.oc * p.oh * p.ow;
    for (int64_t n = begin; n < end; n += plan.images_per_block) {
        const int64_t images = std::min(plan.images_per_block, end - n);
        const float* x = a.x + n * x_image;
        const float* dy = a.dy + n * y_image;
        switch (d) {
            case Direction::fwd:
                if (images == 1) forward_image(p, plan, x, a.w, a.b, a.y + n * y_image, slice, a.phases);
                else forward_batch(p, plan, x, a.w, a.b, a.y + n * y_image, images, slice, a.phases);
                break;
            case Direction::bwd_d:
                if (images == 1) backward_data_image(p, plan, dy, a.w, a.dx + n * x_image, slice, a.phases);
                else backward_data_batch(p, plan, dy, a.w, a.dx + n * x_image, images, slice, a.phases);
                break;
            case Direction::bwd_w:
                if (images == 1) backward_weights_image(p, plan, x, dy, dw, n > begin, slice, a.phases);
                else backward_weights_batch(p, plan, x, dy, dw, images, n > begin, slice, a.phases);
                break;
        }
    }
}

float* column_slice(const Plan& plan, std::byte* workspace, int t) {
    return reinterpret_cast<float*>(workspace + t * plan.slice_bytes);
}

// Thread t > 0's private dW in bwd_w (thread 0 accumulates into dw itself).
float* weights_slice(const Problem& p, const Plan& plan, std::byte* workspace, int t) {
    return reinterpret_cast<float*>(workspace + plan.slices * plan.slice_bytes + (t - 1) * aligned_bytes(p.w_elems()));
}

// Every image of one direction: one image block after another with OpenBLAS's
// threads, or images in parallel. Returns the number of threads that ran.
int run_all_images(const Problem& p, const Plan& plan, Direction d, const ConvArgs& a) {
    if (!plan.images_in_parallel()) {
        run_images(p, plan, d, a, a.dw, 0, p.mb, column_slice(plan, a.workspace, 0));
        return 1;
    }
    int used_threads = 1;
#pragma omp parallel num_threads(plan.slices)
    {
        const int t = omp_get_thread_num(), threads = omp_get_num_threads();
        if (t == 0) used_threads = threads;
        float* dw = d != Direction::bwd_w || t == 0 ? a.dw : weights_slice(p, plan, a.workspace, t);
        run_images(p, plan, d, a, dw, share(p.mb, t, threads), share(p.mb, t + 1, threads),
                   column_slice(plan, a.workspace, t));
    }
    return used_threads;
}

// Sum of a plane in double, in a fixed order: `lanes` independent partial
// sums (element e goes to lane e % lanes), then the lanes in order. One
// running sum would be a chain of dependent adds, as slow as the GEMM of a
// 1x1 layer; independent lanes vectorise and keep the order fixed, so the
// result repeats bit for bit and stays exact on integer data.
double plane_sum(const float* plane, int64_t size) {
    constexpr int64_t lanes = 32;
    double partial[lanes] = {};
    int64_t e = 0;
    for (; e + lanes <= size; e += lanes)
        for (int64_t l = 0; l < lanes; ++l) partial[l] += plane[e + l];
    for (int64_t l = 0; e < size; ++e, ++l) partial[l] += plane[e];
    double sum = 0;
    for (double s : partial) sum += s;
    return sum;
}

void bias_gradient(const Problem& p, const float* dy, float* db) {
    const int64_t out_plane = p.oh * p.ow;
#pragma omp parallel for
    for (int64_t oc = 0; oc < p.oc; ++oc) {
        double sum = 0;  // a wide accumulator: long sums stay accurate
        for (int64_t n = 0; n < p.mb; ++n) sum += plane_sum(dy + (n * p.oc + oc) * out_plane, out_plane);
        db[oc] = float(sum);
    }
}

void backward_weights(const Problem& p, const ConvArgs& a) {
    const Plan plan = make_plan(p);
    const int used_threads = run_all_images(p, plan, Direction::bwd_w, a);
    if (used_threads > 1) {
        // Reduce in thread order, so repeated runs at one thread count agree bit for bit.
        PhaseScope scope(a.phases, "reduce");
#pragma omp parallel for
        for (int64_t e = 0; e < p.w_elems(); ++e) {
            float sum = a.dw[e];
            for (int t = 1; t < used_threads; ++t) sum += weights_slice(p, plan, a.workspace, t)[e];
            a.dw[e] = sum;
        }
    }
    if (!a.db) return;
    PhaseScope scope(a.phases, "bias");
    bias_gradient(p, a.dy, a.db);
}

class Im2colGemm final : public Algorithm {
public:
    std::string_view name() const override { return "im2col_gemm"; }
    std::string_view description() const override {
        return "im2col + OpenBLAS sgemm per group in blocks of output rows; bwd_d by GEMM then col2im scatter-add";
    }
    std::string decline_reason(const Problem&, Direction) const override { return {}; }
    int64_t workspace_bytes(const Problem& p, Direction d) const override { return im2col_gemm_workspace_bytes(p, d); }

    void run(const Problem& p, Direction d, const ConvArgs& a) const override {
        switch (d) {
            case Direction::fwd: im2col_gemm_forward(p, a); break;
            case Direction::bwd_d: run_all_images(p, make_plan(p), d, a); break;
            case Direction::bwd_w: backward_weights(p, a); break;
        }
    }
};

}  // namespace

int64_t im2col_gemm_workspace_bytes(const Problem& p, Direction d) {
    const Plan plan = make_plan(p);
    int64_t bytes = plan.slices * plan.slice_bytes;
    if (d == Direction::bwd_w) bytes += (plan.slices - 1) * aligned_bytes(p.w_elems());
    return bytes;
}

void im2col_gemm_forward(const Problem& p, const ConvArgs& a) { run_all_images(p, make_plan(p), Direction::fwd, a); }

std::unique_ptr<Algorithm> make_im2col_gemm() { return std::make_unique<Im2colGemm>(); }

}  // namespace convlab
