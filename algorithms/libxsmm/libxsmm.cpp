// libxsmm: LIBXSMM 1.17's libxsmm_dnn direct convolution (Georganas et al.,
// "Anatomy of High-Performance Deep Learning Convolutions on SIMD
// Architectures", SC'18) as its users drive it: activations and filters in
// LIBXSMM's blocked layouts ([N][C/cb][H][W][cb], [K/kb][C/cb][R][S][cb][kb]),
// the JIT-ed batch-reduce GEMM kernels, and threads owned by the caller: an
// OpenMP region of threads() threads in which each calls
// libxsmm_dnn_execute_st(handle, kind, 0, tid). fwd is kind FWD, bwd_d BWD
// (the filter is transposed into the scratch inside the call, LIBXSMM's
// default), bwd_w UPD.
//
// Staging as onednn_native: stage_in copies the inputs from NCHW / KCRS into
// the blocked buffers (libxsmm_dnn_copyin_tensor), run() is the convolution
// alone, stage_out copies the outputs back (copyout). Everything lives in
// convlab's workspace: [LIBXSMM's scratch][one blocked buffer per operand];
// the tensors are linked once and re-pointed at the workspace by each stage.
//
// Bias: LIBXSMM 1.17 fuses nothing into a convolution (its only fuse_op is
// NONE), so the bias add (fwd) and the bias gradient (bwd_w, summed in
// double) are plain loops after the LIBXSMM call, inside run() and its
// parallel region; implementation() says so.
//
// Declines: groups and dilation (the 1.17 descriptor has neither), padding
// that LIBXSMM's symmetric padding would not reproduce (it derives the output
// size from pad_h on both sides), CPUs below AVX2, whatever
// create_conv_layer rejects (with LIBXSMM's error text), and the paths of
// it that compute wrong results or crash (known_wrong).
//
// Contract: fp32 FMAs into fp32 accumulators, and the bias loops add exact
// values, so small-integer data gives the reference bit for bit. Measured
// with tolerance_survey (600 random problems a direction, seed 99): max
// rel err fwd 2.0e-7, bwd_d 2.3e-7, bwd_w 1.5e-7, none failed; `convlab
// validate` at mb 2 on every bundled set (775 cases passed, none failed): at
// most 4.0e-7 (vgg_19 conv2_2 fwd). 1e-5 keeps a margin of 25x, as for
// oneDNN's direct kernels.
#include <libxsmm.h>
#include <libxsmm_dnn_convolution.h>
#include <omp.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/libxsmm/libxsmm.hpp"
#include "algorithms/algorithm.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab {

// LIBXSMM JITs for its target arch, read from the CPU by libxsmm_init.
void libxsmm_initialize_capped() {
    static const bool initialized = [] {
        libxsmm_init();
        if (const auto cap = latched_isa_cap()) {
            const int widest = *cap == Isa::avx2 ? LIBXSMM_X86_AVX2 : LIBXSMM_X86_AVX512_CPX;
            if (libxsmm_get_target_archid() > widest) libxsmm_set_target_archid(widest);
        }
        return true;
    }();
    (void)initialized;
}

std::string libxsmm_target_arch() {
    libxsmm_initialize_capped();
    return libxsmm_get_target_arch();
}

namespace {

constexpr std::string_view algorithm_name = "libxsmm";

void check(libxsmm_dnn_err_t status, const char* what) {
    if (status != LIBXSMM_DNN_SUCCESS)
        throw std::runtime_error(std::string("libxsmm: ") + what + ": " + libxsmm_dnn_get_error(status));
}

// Why LIBXSMM 1.17 cannot express this problem; empty when it can.
std::string geometry_limit(const Problem& p) {
    if (p.g > 1) return "no grouped convolution (the 1.17 conv descriptor has no group count)";
    if (p.dh != 0 || p.dw != 0) return "no dilation (the 1.17 conv descriptor has none)";
    // LIBXSMM pads pad_h rows on both sides and derives the output size from
    // that; bottom padding below pad_h only leaves rows no window reads.
    const int64_t oh = (p.ih + 2 * p.ph - p.kh) / p.sh + 1, ow = (p.iw + 2 * p.pw - p.kw) / p.sw + 1;
    if (oh != p.oh || ow != p.ow)
        return "pads symmetrically: padding top " + std::to_string(p.ph) + " bottom " + std::to_string(p.ph_bottom()) +
               ", left " + std::to_string(p.pw) + " right " + std::to_string(p.pw_right()) + " gives " +
               std::to_string(oh) + "x" + std::to_string(ow) + " outputs, not " + std::to_string(p.oh) + "x" +
               std::to_string(p.ow);
    return {};
}

// Why LIBXSMM 1.17 would compute this direction wrongly; empty when it does
// not. Paths of its found by `convlab validate` and tolerance_survey:
//  - fwd and upd copy the input into a padded scratch only when both pad_h
//    and pad_w are nonzero (setup_*_padding_copy tests them with &&): with
//    padding on one axis only, the padded columns are read from outside the
//    image (tails_conv_1d:3, kw3 pw1: NaN in y and dW; bwd_d is exact);
//  - upd skips the FMAs on the padding rim for 3x3 images of at most 7
//    output rows when each thread has one image (mb == threads). With a
//    stride above 1 that gives a wrong dW (a fifth to half of dW wrong on
//    mb2ic16ih11oc32kh3sh2ph1 at 2 threads, and at mb1 with 1 thread), and
//    with a single output row or column it crashes in the JIT-ed code
//    (mb2ic1oc1ih1oh1kh3ph1 at 2 threads). Stride 1 from 2x2 outputs up is
//    exact (ResNet-50's 7x7 layers at mb 2 with 2 threads take this path);
//  - upd of a 1x1 kernel with unequal strides leaves dW unwritten, padded
//    (NaN in every element of mb2ic4ih4iw3oc4oh6ow3kh1kw1sh1sw2ph1pw1; found
//    by tolerance_survey) or not (15 of 25 elements of
//    mb2ic5oc5ih2oh2kh1ph0iw10ow4kw1sw3pw0; found by the randomized
//    cross-validation); equal strides and 3x3 kernels were exact;
//  - upd of a single output row with fewer images than threads leaves dW
//    unwritten (WaveNet's 1-D layers at mb 1 on 2 threads,
//    mb1ic32oc32iw131ow130kw2; at 1 thread, or with 2 rows, exact).
std::string known_wrong(const Problem& p, Direction d, int threads) {
    if (d != Direction::bwd_d && (p.ph == 0) != (p.pw == 0))
        return "LIBXSMM 1.17 pads the input (fwd, upd) only when both ph and pw are nonzero";
    const bool rim_path = p.mb == threads && p.kh == 3 && p.kw == 3 && p.ph == 1 && p.pw == 1 && p.oh <= 7;
    if (d == Direction::bwd_w && rim_path && (p.sh != 1 || p.sw != 1 || p.oh == 1 || p.ow == 1))
        return "LIBXSMM 1.17's weight update for 3x3, padding 1, at most 7 output rows and mb == threads is wrong "
               "with a stride above 1 and crashes with one output row or column";
    if (d == Direction::bwd_w && p.oh == 1 && p.mb < threads)
        return "LIBXSMM 1.17's weight update leaves dW unwritten for one output row with fewer images than threads";
    if (d == Direction::bwd_w && p.kh == 1 && p.kw == 1 && p.sh != p.sw)
        return "LIBXSMM 1.17's weight update leaves dW unwritten for a 1x1 kernel with unequal strides";
    // Found on RegNet's stride-2 projections (112 -> 56): every dW element
    // wrong at 56 output columns, at strides 2 and 3, whatever the rows,
    // channels or threads; 21 to 112 columns otherwise (28, 55, 64, 112) pass.
    if (d == Direction::bwd_w && p.kh == 1 && p.kw == 1 && p.sw > 1 && p.ow == 56)
        return "LIBXSMM 1.17's weight update is wrong for a strided 1x1 kernel with 56 output columns";
    return {};
}

libxsmm_dnn_conv_desc describe(const Problem& p, int threads) {
    libxsmm_dnn_conv_desc desc{};
    desc.N = int(p.mb), desc.C = int(p.ic), desc.H = int(p.ih), desc.W = int(p.iw);
    desc.K = int(p.oc), desc.R = int(p.kh), desc.S = int(p.kw), desc.u = int(p.sh), desc.v = int(p.sw);
    // Logical padding (none in the buffers): the caller's tensors carry no rim.
    desc.pad_h = int(p.ph), desc.pad_w = int(p.pw);
    desc.threads = threads;
    desc.datatype_in = desc.datatype_out = LIBXSMM_DNN_DATATYPE_F32;
    desc.buffer_format = desc.filter_format = LIBXSMM_DNN_TENSOR_FORMAT_LIBXSMM;
    desc.algo = LIBXSMM_DNN_CONV_ALGO_DIRECT;
    desc.options = LIBXSMM_DNN_CONV_OPTION_OVERWRITE;  // outputs are written, not accumulated into
    desc.fuse_ops = LIBXSMM_DNN_CONV_FUSE_NONE;
    return desc;
}

libxsmm_dnn_compute_kind kind_of(Direction d) {
    switch (d) {
        case Direction::fwd: return LIBXSMM_DNN_COMPUTE_KIND_FWD;
        case Direction::bwd_d: return LIBXSMM_DNN_COMPUTE_KIND_BWD;
        case Direction::bwd_w: return LIBXSMM_DNN_COMPUTE_KIND_UPD;
    }
    return LIBXSMM_DNN_COMPUTE_KIND_FWD;
}

// One tensor of a direction: its blocked layout, what the handle binds it as,
// the caller's plain layout, and where the caller holds it.
struct Operand {
    libxsmm_dnn_tensor_type layout;   // LIBXSMM_DNN_INPUT, _OUTPUT or _FILTER
    libxsmm_dnn_tensor_type bind_as;  // REGULAR_INPUT, GRADIENT_OUTPUT, ...
    libxsmm_dnn_tensor_format plain;  // NCHW or KCRS
    const float* ConvArgs::*input;    // read by the direction, or
    float* ConvArgs::*output;         // written by it
};

std::vector<Operand> operands_of(Direction d) {
    constexpr auto nchw = LIBXSMM_DNN_TENSOR_FORMAT_NCHW, kcrs = LIBXSMM_DNN_TENSOR_FORMAT_KCRS;
    switch (d) {
        case Direction::fwd:
            return {{LIBXSMM_DNN_INPUT, LIBXSMM_DNN_REGULAR_INPUT, nchw, &ConvArgs::x, nullptr},
                    {LIBXSMM_DNN_FILTER, LIBXSMM_DNN_REGULAR_FILTER, kcrs, &ConvArgs::w, nullptr},
                    {LIBXSMM_DNN_OUTPUT, LIBXSMM_DNN_REGULAR_OUTPUT, nchw, nullptr, &ConvArgs::y}};
        case Direction::bwd_d:
            return {{LIBXSMM_DNN_OUTPUT, LIBXSMM_DNN_GRADIENT_OUTPUT, nchw, &ConvArgs::dy, nullptr},
                    {LIBXSMM_DNN_FILTER, LIBXSMM_DNN_REGULAR_FILTER, kcrs, &ConvArgs::w, nullptr},
                    {LIBXSMM_DNN_INPUT, LIBXSMM_DNN_GRADIENT_INPUT, nchw, nullptr, &ConvArgs::dx}};
        case Direction::bwd_w:
            return {{LIBXSMM_DNN_INPUT, LIBXSMM_DNN_REGULAR_INPUT, nchw, &ConvArgs::x, nullptr},
                    {LIBXSMM_DNN_OUTPUT, LIBXSMM_DNN_GRADIENT_OUTPUT, nchw, &ConvArgs::dy, nullptr},
                    {LIBXSMM_DNN_FILTER, LIBXSMM_DNN_GRADIENT_FILTER, kcrs, nullptr, &ConvArgs::dw}};
    }
    return {};
}

struct LayerDeleter {
    void operator()(libxsmm_dnn_layer* h) const { libxsmm_dnn_destroy_conv_layer(h); }
};
struct TensorDeleter {
    void operator()(libxsmm_dnn_tensor* t) const { libxsmm_dnn_destroy_tensor(t); }
};
struct LayoutDeleter {
    void operator()(libxsmm_dnn_tensor_datalayout* l) const { libxsmm_dnn_destroy_tensor_datalayout(l); }
};
using Layer = std::unique_ptr<libxsmm_dnn_layer, LayerDeleter>;
using Layout = std::unique_ptr<libxsmm_dnn_tensor_datalayout, LayoutDeleter>;

Layout layout_of(libxsmm_dnn_layer* layer, libxsmm_dnn_tensor_type type) {
    libxsmm_dnn_err_t status;
    Layout layout(libxsmm_dnn_create_tensor_datalayout(layer, type, &status));
    check(status, "create_tensor_datalayout");
    return layout;
}

// The channel block of an activation layout ([N][C/cb][H][W][cb]).
int channel_block(libxsmm_dnn_layer* layer, libxsmm_dnn_tensor_type type) { return int(layout_of(layer, type)->dim_size[0]); }

class LibxsmmPrimitive final : public Primitive {
public:
    LibxsmmPrimitive(const Problem& p, Direction d, int threads, Layer layer)
        : Primitive(threads), layer_(std::move(layer)), kind_(kind_of(d)), mb_(p.mb), oc_(p.oc),
          pixels_(p.oh * p.ow), ifmblock_(channel_block(layer_.get(), LIBXSMM_DNN_INPUT)),
          ofmblock_(channel_block(layer_.get(), LIBXSMM_DNN_OUTPUT)) {
        libxsmm_dnn_err_t status;
        bytes_ = align64(int64_t(libxsmm_dnn_get_scratch_size(layer_.get(), kind_, &status)));
        check(status, "get_scratch_size");
        // Tensors must be linked to some memory; each stage points them at the workspace.
        static float placeholder;
        for (const Operand& op : operands_of(d)) {
            const Layout layout = layout_of(layer_.get(), op.layout);
            Staged s{op, nullptr, bytes_};
            bytes_ += align64(int64_t(libxsmm_dnn_get_tensor_size(layout.get(), &status)));
            check(status, "get_tensor_size");
            s.tensor.reset(libxsmm_dnn_link_tensor(layout.get(), &placeholder, &status));
            check(status, "link_tensor");
            check(libxsmm_dnn_bind_tensor(layer_.get(), s.tensor.get(), op.bind_as), "bind_tensor");
            staged_.push_back(std::move(s));
        }
        bias_operand_ = d == Direction::fwd ? 2 : d == Direction::bwd_w ? 1 : -1;  // y, or dy for db
    }

    int64_t workspace_bytes() const override { return bytes_; }

    std::string implementation() const override {
        return "LIBXSMM " LIBXSMM_CONFIG_VERSION " dnn, " + std::string(libxsmm_get_target_arch()) + ", blocked " +
               std::to_string(ifmblock_) + "x" + std::to_string(ofmblock_) + (bias_operand_ >= 0 ? ", bias by a plain loop" : "");
    }

    void stage_in(const ConvArgs& a) const override {
        bind(a.workspace);
        TimingPhaseScope scope(a.timing_phases, "reorder_in");
        for (const Staged& s : staged_)
            if (s.op.input) check(libxsmm_dnn_copyin_tensor(s.tensor.get(), a.*s.op.input, s.op.plain), "copyin_tensor");
    }

    void stage_out(const ConvArgs& a) const override {
        bind(a.workspace);
        TimingPhaseScope scope(a.timing_phases, "reorder_out");
        for (const Staged& s : staged_)
            if (s.op.output) check(libxsmm_dnn_copyout_tensor(s.tensor.get(), a.*s.op.output, s.op.plain), "copyout_tensor");
    }

protected:
    // The timed part: LIBXSMM on the staged buffers, then the bias loops.
    void run(const ConvArgs& a) const override {
        bind(a.workspace);
        TimingPhaseScope scope(a.timing_phases, "conv");
        std::atomic<libxsmm_dnn_err_t> failed{LIBXSMM_DNN_SUCCESS};
        float* bias_buffer = bias_operand_ >= 0 ? blocked(a, bias_operand_) : nullptr;
        // Each synchronisation of the two costs a wake-up when the machine is
        // busy, so the bias loops add as few as they can: db reads only dy
        // and goes first without any; the bias add needs all of y written.
#pragma omp parallel num_threads(threads())
        {
            if (kind_ == LIBXSMM_DNN_COMPUTE_KIND_UPD && a.db) sum_bias_gradient(bias_buffer, a.db);
            const libxsmm_dnn_err_t status = libxsmm_dnn_execute_st(layer_.get(), kind_, 0, omp_get_thread_num());
            if (status != LIBXSMM_DNN_SUCCESS) failed = status;
            if (kind_ == LIBXSMM_DNN_COMPUTE_KIND_FWD && a.b) {
#pragma omp barrier
                add_bias(bias_buffer, a.b);
            }
        }
        check(failed, "execute_st");
    }

private:
    // An operand's blocked buffer, in the order of operands_of.
    struct Staged {
        Operand op;
        std::unique_ptr<libxsmm_dnn_tensor, TensorDeleter> tensor;
        int64_t offset;  // in the workspace
    };

    void bind(std::byte* workspace) const {
        check(libxsmm_dnn_bind_scratch(layer_.get(), kind_, workspace), "bind_scratch");
        for (const Staged& s : staged_)
            check(libxsmm_dnn_set_tensor_data_ptr(s.tensor.get(), workspace + s.offset), "set_tensor_data_ptr");
    }
    float* blocked(const ConvArgs& a, int i) const { return reinterpret_cast<float*>(a.workspace + staged_[size_t(i)].offset); }

    // y[n][kb][pixel][k] += b[kb * ofmblock + k], shared among the calling
    // region's threads (its end is the barrier).
    void add_bias(float* y, const float* b) const {
        const int64_t blocks = oc_ / ofmblock_;
#pragma omp for nowait
        for (int64_t nk = 0; nk < mb_ * blocks; ++nk) {
            float* plane = y + nk * pixels_ * ofmblock_;
            const float* bias = b + (nk % blocks) * ofmblock_;
            for (int64_t i = 0; i < pixels_; ++i)
                for (int64_t k = 0; k < ofmblock_; ++k) plane[i * ofmblock_ + k] += bias[k];
        }
    }

    // db[kb * ofmblock + k] = sum over n and pixels of dy[n][kb][pixel][k], in
    // double, shared among the region's threads without waiting for them.
    void sum_bias_gradient(const float* dy, float* db) const {
        const int64_t blocks = oc_ / ofmblock_;
#pragma omp for nowait
        for (int64_t kb = 0; kb < blocks; ++kb) {
            double sum[64] = {};  // ofmblock <= 64 (checked in prepare)
            for (int64_t n = 0; n < mb_; ++n) {
                const float* plane = dy + (n * blocks + kb) * pixels_ * ofmblock_;
                for (int64_t i = 0; i < pixels_; ++i)
                    for (int64_t k = 0; k < ofmblock_; ++k) sum[k] += plane[i * ofmblock_ + k];
            }
            for (int64_t k = 0; k < ofmblock_; ++k) db[kb * ofmblock_ + k] = float(sum[k]);
        }
    }

    Layer layer_;
    libxsmm_dnn_compute_kind kind_;
    int64_t mb_, oc_, pixels_;  // pixels: oh * ow
    int ifmblock_, ofmblock_;
    int bias_operand_ = -1;  // the staged buffer the bias loop adds to (y) or sums (dy)
    int64_t bytes_ = 0;
    std::vector<Staged> staged_;
};

class Libxsmm final : public Algorithm {
public:
    std::string_view name() const override { return algorithm_name; }
    std::string_view description() const override {
        return "LIBXSMM 1.17 libxsmm_dnn direct convolution in its blocked layouts, copy-in/out outside the timed call";
    }
    std::string_view family() const override { return "libxsmm"; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        if (std::string limit = geometry_limit(p); !limit.empty()) return declined(name(), limit);
        if (std::string wrong = known_wrong(p, d, threads); !wrong.empty()) return declined(name(), wrong);
        libxsmm_initialize_capped();
        if (libxsmm_get_target_archid() < LIBXSMM_X86_AVX2)
            return declined(name(), std::string("needs AVX2 or newer; LIBXSMM targets ") + libxsmm_get_target_arch());
        libxsmm_dnn_err_t status;
        Layer layer(libxsmm_dnn_create_conv_layer(describe(p, threads), &status));
        if (status != LIBXSMM_DNN_SUCCESS || !layer)
            return declined(name(), std::string(libxsmm_dnn_get_error(status)) + " (" + std::string(to_string(d)) + ")");
        if (channel_block(layer.get(), LIBXSMM_DNN_OUTPUT) > 64)  // LIBXSMM blocks at most 64 channels
            return declined(name(), "an output channel block above 64");
        return prepared<LibxsmmPrimitive>(p, d, threads, std::move(layer));
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_libxsmm() { return std::make_unique<Libxsmm>(); }

}  // namespace convlab
