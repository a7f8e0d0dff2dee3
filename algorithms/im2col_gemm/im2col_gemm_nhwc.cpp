// im2col_gemm on NHWC activations, all three directions, with weights whose
// reduction axes follow the activations' (OHWI, or HWIO):
//   fwd:   col = im2col_nhwc(x); Y[pixels][oc] = col * W^T per group (+ bias)
//   bwd_d: dcol = dY * W per group; dx = col2im_nhwc(dcol) (a gather)
//   bwd_w: dW = dY^T * col per group, summed over pixel blocks; db from dY
// In NHWC every output pixel of the batch is a row of one matrix, so a GEMM
// spans images; work goes in blocks of pixel rows whose columns fit a fixed
// budget (whole images for bwd_d, whose gather needs every row of an image).
// A 1x1, stride-1, unpadded convolution needs no im2col: the input rows are
// the column rows, and fwd, bwd_d and bwd_w are each one GEMM per group.
// OIHW and IOHW weights order a reduction (ci, ky, kx) against NHWC's
// (ky, kx, ci): the algorithm declines them rather than reorder them.
#include <algorithm>

#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/common/blas.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/im2col_gemm/im2col_gemm.hpp"
#include "algorithms/im2col_gemm/im2col_nhwc.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab {

namespace {

constexpr int64_t column_budget_floats = int64_t(2) << 20;  // 8 MiB of columns per block

class Im2colGemmNhwc final : public Primitive {
public:
    Im2colGemmNhwc(const Problem& p, Direction d, int threads, WeightLayout weights)
        : Primitive(threads), p_(p), d_(d), hwio_(weights == WeightLayout::hwio), direct_(nhwc_input_is_columns(p)) {
        const int64_t row = nhwc_column_row(p), pixels = p.mb * p.oh * p.ow, plane = p.oh * p.ow;
        if (d == Direction::bwd_d) {
            images_ = std::clamp<int64_t>(column_budget_floats / std::max<int64_t>(plane * row, 1), 1, p.mb);
            rows_ = images_ * plane;
        } else {
            rows_ = std::clamp<int64_t>(column_budget_floats / std::max<int64_t>(row, 1), 1, std::max<int64_t>(pixels, 1));
        }
    }

    int64_t workspace_bytes() const override { return direct_ ? 0 : aligned_float_bytes(rows_ * nhwc_column_row(p_)); }
    std::string implementation() const override {
        return std::string("im2col_gemm NHWC, ") + (hwio_ ? "HWIO" : "OHWI") + " weights" +
               (direct_ ? ", 1x1: one GEMM per group on the input rows" : "");
    }

protected:
    void run(const ConvArgs& a) const override {
        float* col = reinterpret_cast<float*>(a.workspace);
        switch (d_) {
            case Direction::fwd: return forward(a, col);
            case Direction::bwd_d: return backward_data(a, col);
            case Direction::bwd_w: return backward_weights(a, col);
        }
    }

private:
    int64_t K() const { return p_.kh * p_.kw * p_.icg(); }  // reduction of one group
    int64_t pixels() const { return p_.mb * p_.oh * p_.ow; }

    // The column rows of pixels [q0, q0 + count): x's rows or a copy.
    const float* columns(const ConvArgs& a, float* col, int64_t q0, int64_t count) const {
        if (direct_) return a.x + q0 * p_.ic;
        TimingPhaseScope scope(a.timing_phases, "im2col");
        im2col_nhwc(p_, a.x, q0, count, col);
        return col;
    }

    void forward(const ConvArgs& a, float* col) const {
        const int64_t ld = nhwc_column_row(p_), k = K(), ocg = p_.ocg();
        for (int64_t q0 = 0; q0 < pixels(); q0 += rows_) {
            const int64_t count = std::min(rows_, pixels() - q0);
            const float* c = columns(a, col, q0, count);
            float* y = a.y + q0 * p_.oc;
            TimingPhaseScope scope(a.timing_phases, "gemm");
            if (a.b)
                for (int64_t r = 0; r < count; ++r) std::copy(a.b, a.b + p_.oc, y + r * p_.oc);
            const float beta = a.b ? 1.0f : 0.0f;
            for (int64_t gi = 0; gi < p_.g; ++gi) {
                if (hwio_)
                    sgemm(false, false, count, ocg, k, c + gi * k, ld, a.w + gi * ocg, p_.oc, beta, y + gi * ocg, p_.oc);
                else
                    sgemm(false, true, count, ocg, k, c + gi * k, ld, a.w + gi * ocg * k, k, beta, y + gi * ocg, p_.oc);
            }
        }
    }

    void backward_data(const ConvArgs& a, float* col) const {
        const int64_t ld = nhwc_column_row(p_), k = K(), ocg = p_.ocg(), plane = p_.oh * p_.ow;
        for (int64_t n0 = 0; n0 < p_.mb; n0 += images_) {
            const int64_t images = std::min(images_, p_.mb - n0), count = images * plane;
            // The 1x1 case writes dx's rows directly: they are the column rows.
            float* dcol = direct_ ? a.dx + n0 * plane * p_.ic : col;
            const float* dy = a.dy + n0 * plane * p_.oc;
            {
                TimingPhaseScope scope(a.timing_phases, "gemm");
                for (int64_t gi = 0; gi < p_.g; ++gi) {
                    if (hwio_)
                        sgemm(false, true, count, k, ocg, dy + gi * ocg, p_.oc, a.w + gi * ocg, p_.oc, 0.0f,
                              dcol + gi * k, ld);
                    else
                        sgemm(false, false, count, k, ocg, dy + gi * ocg, p_.oc, a.w + gi * ocg * k, k, 0.0f,
                              dcol + gi * k, ld);
                }
            }
            if (direct_) continue;
            TimingPhaseScope scope(a.timing_phases, "col2im");
            col2im_nhwc(p_, dcol, n0, images, a.dx);
        }
    }

    void backward_weights(const ConvArgs& a, float* col) const {
        const int64_t ld = nhwc_column_row(p_), k = K(), ocg = p_.ocg();
        for (int64_t q0 = 0; q0 < pixels(); q0 += rows_) {
            const int64_t count = std::min(rows_, pixels() - q0);
            const float* c = columns(a, col, q0, count);
            const float* dy = a.dy + q0 * p_.oc;
            const float beta = q0 == 0 ? 0.0f : 1.0f;
            TimingPhaseScope scope(a.timing_phases, "gemm");
            for (int64_t gi = 0; gi < p_.g; ++gi) {
                if (hwio_)
                    sgemm(true, false, k, ocg, count, c + gi * k, ld, dy + gi * ocg, p_.oc, beta, a.dw + gi * ocg, p_.oc);
                else
                    sgemm(true, false, ocg, k, count, dy + gi * ocg, p_.oc, c + gi * k, ld, beta, a.dw + gi * ocg * k, k);
            }
        }
        if (!a.db) return;
        TimingPhaseScope scope(a.timing_phases, "bias");
        bias_gradient_nhwc(p_, a.dy, a.db);
    }

    Problem p_;
    Direction d_;
    bool hwio_, direct_;
    int64_t rows_ = 1, images_ = 1;  // pixel rows per block; images per block (bwd_d)
};

}  // namespace

std::unique_ptr<Primitive> im2col_gemm_nhwc(const Problem& p, Direction d, int threads, WeightLayout weights) {
    return std::make_unique<Im2colGemmNhwc>(p, d, threads, weights);
}

}  // namespace convlab
