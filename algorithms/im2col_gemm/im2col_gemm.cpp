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
// This file is the driver: the image loop and the threading. The plan and the
// per-image steps are in im2col_gemm_steps.cpp, the batched small-plane steps
// in im2col_gemm_batched.cpp.
#include "algorithms/im2col_gemm/im2col_gemm.hpp"

#include <omp.h>

#include <algorithm>

#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/im2col_gemm/im2col_gemm_steps.hpp"

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
                if (images == 1) forward_image(p, plan, x, a.w, a.b, a.y + n * y_image, slice, a.timing_phases);
                else forward_batch(p, plan, x, a.w, a.b, a.y + n * y_image, images, slice, a.timing_phases);
                break;
            case Direction::bwd_d:
                if (images == 1) backward_data_image(p, plan, dy, a.w, a.dx + n * x_image, slice, a.timing_phases);
                else backward_data_batch(p, plan, dy, a.w, a.dx + n * x_image, images, slice, a.timing_phases);
                break;
            case Direction::bwd_w:
                if (images == 1) backward_weights_image(p, plan, x, dy, dw, n > begin, slice, a.timing_phases);
                else backward_weights_batch(p, plan, x, dy, dw, images, n > begin, slice, a.timing_phases);
                break;
        }
    }
}

float* column_slice(const Plan& plan, std::byte* workspace, int t) {
    return reinterpret_cast<float*>(workspace + t * plan.slice_bytes);
}

// Thread t > 0's private dW in bwd_w (thread 0 accumulates into dw itself).
float* weights_slice(const Problem& p, const Plan& plan, std::byte* workspace, int t) {
    return reinterpret_cast<float*>(workspace + plan.slices * plan.slice_bytes + (t - 1) * aligned_float_bytes(p.w_elems()));
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

void backward_weights(const Problem& p, const Plan& plan, const ConvArgs& a) {
    const int used_threads = run_all_images(p, plan, Direction::bwd_w, a);
    if (used_threads > 1) {
        // Reduce in thread order, so repeated runs at one thread count agree bit for bit.
        TimingPhaseScope scope(a.timing_phases, "reduce");
#pragma omp parallel for
        for (int64_t e = 0; e < p.w_elems(); ++e) {
            float sum = a.dw[e];
            for (int t = 1; t < used_threads; ++t) sum += weights_slice(p, plan, a.workspace, t)[e];
            a.dw[e] = sum;
        }
    }
    if (!a.db) return;
    TimingPhaseScope scope(a.timing_phases, "bias");
    bias_gradient(p, a.dy, a.db);
}

class Im2colGemmPrimitive final : public Primitive {
public:
    Im2colGemmPrimitive(const Problem& p, Direction d, int threads)
        : Primitive(threads), p_(p), d_(d), plan_(make_plan(p, threads)) {}
    int64_t workspace_bytes() const override { return im2col_gemm::workspace_bytes(p_, plan_, d_); }

protected:
    void run(const ConvArgs& a) const override {
        if (d_ == Direction::bwd_w) return backward_weights(p_, plan_, a);
        run_all_images(p_, plan_, d_, a);
    }

private:
    Problem p_;
    Direction d_;
    Plan plan_;
};

class Im2colGemm final : public Algorithm {
public:
    std::string_view name() const override { return "im2col_gemm"; }
    std::string_view family() const override { return "gemm"; }
    std::string_view description() const override {
        return "im2col + OpenBLAS sgemm per group in blocks of output rows; bwd_d by GEMM then col2im scatter-add";
    }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return prepared<Im2colGemmPrimitive>(p, d, threads);
    }
    // NHWC with the weights whose reduction follows it (im2col_gemm_nhwc.cpp).
    std::vector<Layout> layouts() const override {
        return {Layout{}, {ActivationLayout::nhwc, WeightLayout::ohwi}, {ActivationLayout::nhwc, WeightLayout::hwio}};
    }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return {im2col_gemm_nhwc(p, d, threads, layout.weights), {}};
    }
};

}  // namespace

std::unique_ptr<Primitive> im2col_gemm_forward(const Problem& p, int threads) {
    return std::make_unique<Im2colGemmPrimitive>(p, Direction::fwd, threads);
}

std::unique_ptr<Algorithm> make_im2col_gemm() { return std::make_unique<Im2colGemm>(); }

}  // namespace convlab
