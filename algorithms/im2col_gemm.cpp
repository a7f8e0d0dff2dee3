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
#include "algorithms/im2col_gemm.hpp"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "algorithms/phase_times.hpp"
#include "algorithms/transforms/im2col.hpp"

namespace convlab {

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

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t aligned_bytes(int64_t floats) { return (floats * int64_t(sizeof(float)) + 63) / 64 * 64; }

bool input_is_column(const Problem& p) {
    return p.kh == 1 && p.kw == 1 && p.sh == 1 && p.sw == 1 && p.ph == 0 && p.pw == 0 && p.oh == p.ih &&
           p.ow == p.iw;
}

struct Plan {
    bool direct = false;         // input_is_column: no im2col, no workspace for columns
    int64_t k = 0;               // rows of the column matrix: icg * kh * kw
    int64_t rows_per_block = 0;  // output rows per column block
    int64_t block_bytes = 0;     // one thread's column block, 64-byte aligned
    int slices = 1;              // workspace slices: threads when images run in parallel, else 1
    int64_t images_per_block = 1;  // images whose columns share one GEMM
    int64_t slice_bytes = 0;  // one thread's columns (+ an ocg x columns matrix when images_per_block > 1)
    bool images_in_parallel() const { return slices > 1; }
};

// The same plan at workspace_bytes() and at run time: omp_get_max_threads() both times.
Plan make_plan(const Problem& p) {
    Plan plan;
    plan.direct = input_is_column(p);
    plan.k = im2col_rows(p);
    const int64_t row_bytes = plan.k * p.ow * int64_t(sizeof(float));
    const int64_t blocks = std::max<int64_t>(1, ceil_div(p.oh * row_bytes, column_block_budget));
    plan.rows_per_block = ceil_div(p.oh, blocks);
    plan.block_bytes = plan.direct ? 0 : aligned_bytes(plan.k * plan.rows_per_block * p.ow);
    const int threads = omp_get_max_threads();
    plan.slices = threads > 1 && p.mb >= threads ? threads : 1;
    const int64_t out_plane = p.oh * p.ow;
    if (out_plane < min_gemm_columns) {
        const int64_t fit = column_block_budget / (plan.k * out_plane * int64_t(sizeof(float)));
        plan.images_per_block = std::max<int64_t>(
            1, std::min({ceil_div(min_gemm_columns, out_plane), ceil_div(p.mb, plan.slices), fit}));
    }
    plan.slice_bytes = plan.block_bytes;
    if (plan.images_per_block > 1)  // then one image's columns fit the budget: rows_per_block == oh
        plan.slice_bytes = aligned_bytes(plan.k * plan.images_per_block * out_plane) +
                                   aligned_bytes(p.ocg() * plan.images_per_block * out_plane);
    return plan;
}

void sgemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
           const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), 1.0f, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc));
}

// Images [begin, end) of thread t out of `threads`: contiguous, sizes differing by at most one.
int64_t share(int64_t mb, int t, int threads) { return mb * t / threads; }

// Sets the ocg x cols block c (row distance ldc) to each row's bias, so the
// GEMM adds onto it with beta = 1: the bias costs no pass of its own over y,
// and OpenBLAS skips the pass that scales or zeroes C when beta is 1.
void fill_with_bias(const float* b, int64_t rows, int64_t cols, float* c, int64_t ldc) {
    for (int64_t r = 0; r < rows; ++r) std::fill(c + r * ldc, c + r * ldc + cols, b[r]);
}

void forward_image(const Problem& p, const Plan& plan, const float* x, const float* w, const float* b, float* y,
                   float* col, PhaseTimes* phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    const float beta = b ? 1.0f : 0.0f;
    for (int64_t g = 0; g < p.g; ++g) {
        const float* xg = x + g * icg * in_plane;
        const float* wg = w + g * ocg * plan.k;
        const float* bg = b ? b + g * ocg : nullptr;
        float* yg = y + g * ocg * out_plane;
        if (plan.direct) {
            PhaseScope scope(phases, "gemm");
            if (bg) fill_with_bias(bg, ocg, out_plane, yg, out_plane);
            sgemm(false, false, ocg, out_plane, plan.k, wg, plan.k, xg, in_plane, beta, yg, out_plane);
            continue;
        }
        for (int64_t oh0 = 0; oh0 < p.oh; oh0 += plan.rows_per_block) {
            const int64_t oh1 = std::min(p.oh, oh0 + plan.rows_per_block), n = im2col_cols(p, oh1 - oh0);
            {
                PhaseScope scope(phases, "im2col");
                im2col(p, xg, oh0, oh1, col);
            }
            PhaseScope scope(phases, "gemm");
            float* yblock = yg + oh0 * p.ow;
            if (bg) fill_with_bias(bg, ocg, n, yblock, out_plane);
            sgemm(false, false, ocg, n, plan.k, wg, plan.k, col, n, beta, yblock, out_plane);
        }
    }
}

// Several images per GEMM: `images` consecutive images (pointers at the
// first) with their columns side by side, n = images * oh * ow columns. The
// slice holds the columns, then an ocg x n matrix for the GEMM's other side.
float* side_matrix(const Plan& plan, const Problem& p, float* col) {
    return col + aligned_bytes(plan.k * plan.images_per_block * p.oh * p.ow) / int64_t(sizeof(float));
}

// Group g's ocg planes of each image side by side: row r of `to` is plane r of every image in turn.
void gather_planes(const Problem& p, const float* from, int64_t g, int64_t images, float* to) {
    const int64_t out_plane = p.oh * p.ow, n = images * out_plane, y_image = p.oc * out_plane;
    for (int64_t r = 0; r < p.ocg(); ++r)
        for (int64_t i = 0; i < images; ++i)
            std::memcpy(to + r * n + i * out_plane, from + i * y_image + (g * p.ocg() + r) * out_plane,
                        size_t(out_plane) * sizeof(float));
}

// One GEMM per group, then the output copied to its images with the bias added (timed as "bias").
void forward_batch(const Problem& p, const Plan& plan, const float* x, const float* w, const float* b, float* y,
                   int64_t images, float* col, PhaseTimes* phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    const int64_t x_image = p.ic * in_plane, y_image = p.oc * out_plane, n = images * out_plane;
    float* out = side_matrix(plan, p, col);
    for (int64_t g = 0; g < p.g; ++g) {
        {
            PhaseScope scope(phases, "im2col");
            for (int64_t i = 0; i < images; ++i)
                im2col(p, x + i * x_image + g * icg * in_plane, 0, p.oh, col + i * out_plane, n);
        }
        {
            PhaseScope scope(phases, "gemm");
            sgemm(false, false, ocg, n, plan.k, w + g * ocg * plan.k, plan.k, col, n, 0.0f, out, n);
        }
        PhaseScope scope(phases, "bias");
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
                         int64_t images, float* col, PhaseTimes* phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    const int64_t x_image = p.ic * in_plane, n = images * out_plane;
    float* dy_side = side_matrix(plan, p, col);
    if (!plan.direct) {
        PhaseScope scope(phases, "col2im");
        std::memset(dx, 0, size_t(images * x_image) * sizeof(float));  // the scatter adds into it
    }
    for (int64_t g = 0; g < p.g; ++g) {
        {
            PhaseScope scope(phases, "gather");
            gather_planes(p, dy, g, images, dy_side);
        }
        {
            PhaseScope scope(phases, "gemm");
            sgemm(true, false, plan.k, n, ocg, w + g * ocg * plan.k, plan.k, dy_side, n, 0.0f, col, n);
        }
        PhaseScope scope(phases, "col2im");
        for (int64_t i = 0; i < images; ++i) {
            float* dxg = dx + i * x_image + g * icg * in_plane;
            if (!plan.direct) {
                col2im_add(p, col + i * out_plane, 0, p.oh, dxg, n);
                continue;
            }
            for (int64_t c = 0; c < icg; ++c)
                std::memcpy(dxg + c * in_plane, col + c * n + i * out_plane, size_t(out_plane) * sizeof(float));
        }
    }
}

// dw = (accumulate ? dw : 0) + dy_g * im2col(x)_g^T over the images side by side.
void backward_weights_batch(const Problem& p, const Plan& plan, const float* x, const float* dy, float* dw,
                            int64_t images, bool accumulate, float* col, PhaseTimes* phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    const int64_t x_image = p.ic * in_plane, n = images * out_plane;
    float* dy_side = side_matrix(plan, p, col);
    for (int64_t g = 0; g < p.g; ++g) {
        {
            PhaseScope scope(phases, "im2col");
            for (int64_t i = 0; i < images; ++i)
                im2col(p, x + i * x_image + g * icg * in_plane, 0, p.oh, col + i * out_plane, n);
        }
        {
            PhaseScope scope(phases, "gather");
            gather_planes(p, dy, g, images, dy_side);
        }
        PhaseScope scope(phases, "gemm");
        sgemm(false, true, ocg, plan.k, n, dy_side, n, col, n, accumulate ? 1.0f : 0.0f, dw + g * ocg * plan.k,
              plan.k);
    }
}

void backward_data_image(const Problem& p, const Plan& plan, const float* dy, const float* w, float* dx,
                         float* col, PhaseTimes* phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    if (!plan.direct) {
        PhaseScope scope(phases, "col2im");
        std::memset(dx, 0, size_t(p.ic * in_plane) * sizeof(float));  // the scatter adds into it
    }
    for (int64_t g = 0; g < p.g; ++g) {
        const float* dyg = dy + g * ocg * out_plane;
        const float* wg = w + g * ocg * plan.k;
        float* dxg = dx + g * icg * in_plane;
        if (plan.direct) {
            PhaseScope scope(phases, "gemm");
            sgemm(true, false, plan.k, out_plane, ocg, wg, plan.k, dyg, out_plane, 0.0f, dxg, in_plane);
            continue;
        }
        for (int64_t oh0 = 0; oh0 < p.oh; oh0 += plan.rows_per_block) {
            const int64_t oh1 = std::min(p.oh, oh0 + plan.rows_per_block), n = im2col_cols(p, oh1 - oh0);
            {
                PhaseScope scope(phases, "gemm");
                sgemm(true, false, plan.k, n, ocg, wg, plan.k, dyg + oh0 * p.ow, out_plane, 0.0f, col, n);
            }
            PhaseScope scope(phases, "col2im");
            col2im_add(p, col, oh0, oh1, dxg);
        }
    }
}

// dw = (accumulate ? dw : 0) + this image's weight gradient.
void backward_weights_image(const Problem& p, const Plan& plan, const float* x, const float* dy, float* dw,
                            bool accumulate, float* col, PhaseTimes* phases) {
    const int64_t in_plane = p.ih * p.iw, out_plane = p.oh * p.ow, icg = p.icg(), ocg = p.ocg();
    for (int64_t g = 0; g < p.g; ++g) {
        const float* xg = x + g * icg * in_plane;
        const float* dyg = dy + g * ocg * out_plane;
        float* dwg = dw + g * ocg * plan.k;
        float beta = accumulate ? 1.0f : 0.0f;
        if (plan.direct) {
            PhaseScope scope(phases, "gemm");
            sgemm(false, true, ocg, plan.k, out_plane, dyg, out_plane, xg, in_plane, beta, dwg, plan.k);
            continue;
        }
        for (int64_t oh0 = 0; oh0 < p.oh; oh0 += plan.rows_per_block, beta = 1.0f) {
            const int64_t oh1 = std::min(p.oh, oh0 + plan.rows_per_block), n = im2col_cols(p, oh1 - oh0);
            {
                PhaseScope scope(phases, "im2col");
                im2col(p, xg, oh0, oh1, col);
            }
            PhaseScope scope(phases, "gemm");
            sgemm(false, true, ocg, plan.k, n, dyg + oh0 * p.ow, out_plane, col, n, beta, dwg, plan.k);
        }
    }
}

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
