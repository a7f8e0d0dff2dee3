// torch: PyTorch's ATen convolution as a PyTorch user on CPU gets it, through
// libtorch (Debian's libtorch-dev 1.13.1, the library python3-torch runs):
// fwd by at::convolution, bwd_d and bwd_w by at::convolution_backward with an
// output mask (what autograd calls), on tensors wrapping the caller's NCHW
// buffers (at::from_blob, no copies in), or their channels_last strides in
// an nhwc:ohwi case. ATen allocates its results, as it
// does for every PyTorch user, and the timed call ends there, as a user's
// call to conv2d does: the copy of the results into the caller's buffers is
// stage_out(), outside the timed call (a PyTorch user keeps ATen's tensor).
// The previous call's results are released at the start of the next, as a
// user's loop rebinding its output would. This is the only file that includes libtorch's headers,
// which are slow to compile; it is built as a module of its own
// (libconvlab_torch.so, loaded on first use by torch_algorithm.cpp) so that a
// process that never runs torch does not pay for loading libtorch.
//
// Asymmetric padding (torch pads symmetrically): see torch_geometry.hpp. The
// view narrowing is free; when a zero-padded copy of x or dy is needed,
// implementation() says so.
//
// Which ATen backend runs is decided by ATen per call from the shapes and the
// thread count (at::native::_select_conv_backend: Mkldnn, i.e. oneDNN 2.6, the
// same libdnnl as the onednn algorithms; Slow2d, im2col + BLAS GEMM, the same
// OpenMP OpenBLAS; SlowDilated2d; Xnnpack2d, ...). prepare() asks the exported
// at::native::select_conv_backend the same question with the same arguments
// (need_backward false for fwd as at::convolution computes it here, true for
// the backward directions as convolution_backward passes it) and
// implementation() reports the answer.
//
// Threads: ATen's intra-op pool is OpenMP, the same libgomp as convlab's, so
// at::set_num_threads (omp_set_num_threads underneath, plus ATen's own record
// that its lazy per-thread initialisation would otherwise restore) is all it
// takes. It is called at prepare (the backend choice depends on the count)
// and in a call only when ATen's count differs: at::set_num_threads also
// re-creates caffe2's pthreadpool (its set_thread_count makes a new pool
// whatever the count), whose fresh worker thread then spins on the cores the
// convolution's OpenMP threads need. OpenBLAS (ATen's Slow2d GEMMs) follows
// the count the caller set for convlab.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/native/ConvUtils.h>
#include <torch/version.h>

#include <fmt/format.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/torch/torch_geometry.hpp"
#include "algorithms/torch/torch_module.hpp"

namespace convlab {

namespace {

std::string_view backend_name(at::native::ConvBackend b) {
    using B = at::native::ConvBackend;
    switch (b) {
        case B::Mkldnn: return "Mkldnn";
        case B::MkldnnEmpty: return "MkldnnEmpty";
        case B::Slow2d: return "Slow2d";
        case B::SlowDilated2d: return "SlowDilated2d";
        case B::NnpackSpatial: return "NnpackSpatial";
        case B::Xnnpack2d: return "Xnnpack2d";
        case B::Winograd3x3Depthwise: return "Winograd3x3Depthwise";
        case B::Empty: return "Empty";
        default: return "other";
    }
}

// `channels_last`: a 4-D tensor's buffer is [d0][d2][d3][d1] (NHWC, or OHWI
// weights), its logical dims the NCHW ones, as PyTorch's channels_last keeps them.
at::Tensor wrap(const float* data, const std::vector<int64_t>& dims, bool channels_last = false) {
    // ATen's from_blob takes void*; inputs are only read.
    if (!channels_last || dims.size() != 4)
        return at::from_blob(const_cast<float*>(data), dims, at::TensorOptions().dtype(at::kFloat));
    const std::vector<int64_t> strides = {dims[1] * dims[2] * dims[3], 1, dims[3] * dims[1], dims[1]};
    return at::from_blob(const_cast<float*>(data), dims, strides, at::TensorOptions().dtype(at::kFloat));
}

class TorchPrimitive final : public Primitive {
public:
    TorchPrimitive(const Problem& p, Direction d, int threads, bool channels_last)
        : Primitive(threads), p_(p), d_(d), threads_(threads), cl_(channels_last), g_(torch_geometry(p)) {
        stride_ = {p.sh, p.sw};
        padding_ = {g_.h.padding, g_.w.padding};
        dilation_ = {g_.h.dilation, g_.w.dilation};
        at::set_num_threads(threads_);
        implementation_ = fmt::format("ATen {} {}{}", TORCH_VERSION, backend_name(select_backend()),
                                      cl_ ? ", channels_last" : "");
        if (d_ != Direction::bwd_d && g_.input_copied()) implementation_ += ", x zero-padded copy";
        if (d_ != Direction::fwd && g_.output_larger(p_)) implementation_ += ", dy zero-padded copy";
    }

    std::string implementation() const override { return implementation_; }

    // ATen's results into the caller's buffers: what a PyTorch user, who keeps
    // ATen's tensors, never pays.
    void stage_out(const ConvArgs& a) const override {
        TimingPhaseScope scope(a.timing_phases, "copy_out");
        switch (d_) {
            case Direction::fwd: return copy_y(a);
            case Direction::bwd_d: return copy_dx(a);
            case Direction::bwd_w: return copy_dw(a);
        }
    }

protected:
    void run(const ConvArgs& a) const override {
        if (at::get_num_threads() != threads_) at::set_num_threads(threads_);
        const at::NoGradGuard no_graph;  // the gradients are asked for explicitly, as autograd does
        results_ = {};                   // the previous call's tensors, freed as a user's loop frees them
        TimingPhaseScope scope(a.timing_phases, "conv");
        switch (d_) {
            case Direction::fwd: return fwd(a);
            case Direction::bwd_d: return bwd_d(a);
            case Direction::bwd_w: return bwd_w(a);
        }
    }

private:
    std::vector<int64_t> torch_x_dims() const {
        return {p_.mb, p_.ic, g_.h.rows + g_.h.extra, g_.w.rows + g_.w.extra};
    }

    at::native::ConvBackend select_backend() const {
        const auto format = cl_ ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
        const at::Tensor x = at::empty(torch_x_dims(), at::TensorOptions().dtype(at::kFloat).memory_format(format));
        const at::Tensor w = at::empty(p_.w_dims(), at::TensorOptions().dtype(at::kFloat).memory_format(format));
        const std::vector<int64_t> no_output_padding = {0, 0};
        if (d_ == Direction::fwd) {
            const c10::optional<at::Tensor> bias = at::empty({p_.oc}, at::kFloat);
            return at::native::select_conv_backend(x, w, bias, stride_, padding_, dilation_, false, no_output_padding,
                                                   p_.g);
        }
        // As at::native::convolution_backward sets them up.
        at::native::ConvParams params;
        params.stride = stride_, params.padding = padding_, params.dilation = dilation_;
        params.transposed = false, params.output_padding = no_output_padding, params.groups = int(p_.g);
        const auto& ctx = at::globalContext();
        params.benchmark = ctx.benchmarkCuDNN();
        params.deterministic = ctx.deterministicCuDNN() || ctx.deterministicAlgorithms();
        params.cudnn_enabled = ctx.userEnabledCuDNN();
        params.allow_tf32 = ctx.allowTF32CuDNN();
        const std::vector<int64_t> bias_sizes = {p_.oc};
        return at::native::select_conv_backend(x, w, at::OptionalIntArrayRef(bias_sizes), true, params);
    }

    // x as torch sees it: narrowed to the rows the problem reads, zero rows appended when needed.
    at::Tensor torch_x(const float* x) const {
        at::Tensor t = wrap(x, p_.x_dims(), cl_);
        if (g_.input_narrowed(p_)) t = t.narrow(2, 0, g_.h.rows).narrow(3, 0, g_.w.rows);
        if (g_.input_copied()) t = at::constant_pad_nd(t, {0, g_.w.extra, 0, g_.h.extra}, 0);
        return t;
    }

    // dy with zero rows appended up to torch's output size.
    at::Tensor torch_dy(const float* dy) const {
        at::Tensor t = wrap(dy, p_.y_dims(), cl_);
        if (g_.output_larger(p_)) t = at::constant_pad_nd(t, {0, g_.w.out - p_.ow, 0, g_.h.out - p_.oh}, 0);
        return t;
    }

    void fwd(const ConvArgs& a) const {
        const at::Tensor x = torch_x(a.x), w = wrap(a.w, p_.w_dims(), cl_);
        const c10::optional<at::Tensor> bias = a.b ? c10::optional<at::Tensor>(wrap(a.b, p_.b_dims())) : c10::nullopt;
        results_.y = at::convolution(x, w, bias, stride_, padding_, dilation_, false, {0, 0}, p_.g);
    }

    void bwd_d(const ConvArgs& a) const {
        // Read for its shape only; the caller's dx when torch's input fits in it.
        const at::Tensor shape = g_.input_copied() ? at::empty(torch_x_dims(), at::TensorOptions().dtype(at::kFloat).memory_format(
                                                         cl_ ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous))
                                                   : wrap(a.dx, p_.x_dims(), cl_).narrow(2, 0, g_.h.rows).narrow(3, 0, g_.w.rows);
        const at::Tensor dy = torch_dy(a.dy), w = wrap(a.w, p_.w_dims(), cl_);
        results_.dx = std::get<0>(at::convolution_backward(dy, shape, w, c10::nullopt, stride_, padding_, dilation_,
                                                           false, {0, 0}, p_.g, {true, false, false}));
    }

    void bwd_w(const ConvArgs& a) const {
        const at::Tensor x = torch_x(a.x), dy = torch_dy(a.dy);
        const at::Tensor shape = wrap(a.dw, p_.w_dims(), cl_);  // read for its shape only
        const std::vector<int64_t> bias_sizes = {p_.oc};
        const at::OptionalIntArrayRef bias = a.db ? at::OptionalIntArrayRef(bias_sizes) : c10::nullopt;
        const std::array<bool, 3> mask = {false, true, a.db != nullptr};
        auto grads = at::convolution_backward(dy, x, shape, bias, stride_, padding_, dilation_, false, {0, 0}, p_.g,
                                              mask);
        results_.dw = std::get<1>(grads);
        if (a.db) results_.db = std::get<2>(grads);
    }

    void copy_y(const ConvArgs& a) const {
        at::Tensor y = results_.y;
        if (g_.output_larger(p_)) y = y.narrow(2, 0, p_.oh).narrow(3, 0, p_.ow);
        wrap(a.y, p_.y_dims(), cl_).copy_(y);
    }

    void copy_dx(const ConvArgs& a) const {
        at::Tensor dx = wrap(a.dx, p_.x_dims(), cl_);
        if (!g_.input_narrowed(p_) && !g_.input_copied()) {
            dx.copy_(results_.dx);
            return;
        }
        // Rows and columns torch did not see are read by no window: their gradient is zero.
        dx.zero_();
        dx.narrow(2, 0, g_.h.rows).narrow(3, 0, g_.w.rows).copy_(
            results_.dx.narrow(2, 0, g_.h.rows).narrow(3, 0, g_.w.rows));
    }

    void copy_dw(const ConvArgs& a) const {
        wrap(a.dw, p_.w_dims(), cl_).copy_(results_.dw);
        if (a.db) wrap(a.db, p_.b_dims()).copy_(results_.db);
    }

    Problem p_;
    Direction d_;
    int threads_;
    bool cl_;  // channels_last: the caller's tensors are nhwc:ohwi
    TorchGeometry g_;
    std::vector<int64_t> stride_, padding_, dilation_;
    std::string implementation_;
    // ATen's results of the last call, until stage_out copies them.
    struct Results {
        at::Tensor y, dx, dw, db;
    };
    mutable Results results_;
};

}  // namespace

// The module's one entry point (see torch_module.hpp).
extern "C" Primitive* convlab_torch_prepare(const Problem& p, Direction d, int threads, bool channels_last) {
    return new TorchPrimitive(p, d, threads, channels_last);
}

extern "C" TorchInterface convlab_torch_interface() { return this_side_interface(); }

}  // namespace convlab
