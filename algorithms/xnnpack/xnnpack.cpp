// xnnpack: XNNPACK's f32 convolution operator (NHWC activations, indirect
// GEMM, or its GEMM / depthwise kernels where they apply), forward only, timed
// as XNNPACK's own users call it: a network keeps its activations in NHWC and
// creates each operator once, with its weights, before running it many times.
//
//   prepare:   the pthreadpool of threads() threads, and a trial creation of
//              the operator on zero weights, so a geometry XNNPACK rejects is
//              declined here rather than failing in a call;
//   stage_in:  x from NCHW into NHWC in the workspace; the weights from
//              [oc][ic/g][kh][kw] into XNNPACK's [g][oc/g][kh][kw][ic/g], in
//              the workspace; xnn_create_convolution2d_nhwc_f32, which packs
//              them (and the bias, zeros when b is null) into memory of its
//              own; xnn_setup_convolution2d_nhwc_f32, which binds the staged
//              x and y and builds the indirection buffer;
//   run:       xnn_run_operator alone (the timed call);
//   stage_out: y from NHWC in the workspace back into NCHW.
// The operator is created anew in every stage_in rather than cached by weight
// pointer: callers (a training loop, the training test) change the weights
// in place under the same pointer, and comparing their content would cost
// about what packing them does. It is all outside the timed call either way.
//
// Geometry: convlab's dilation counts zeros between taps, XNNPACK's the step
// between taps (dh + 1). A negative bottom or right padding (input rows or
// columns past the last window) is handled by staging only the rows and
// columns the windows reach: the narrowed input then needs no bottom/right
// padding, and XNNPACK's output size comes out as oh x ow.
//
// Workspace, every region 64-byte aligned: [x NHWC, narrowed][y NHWC][weights
// in XNNPACK's order]. stage_in, run and stage_out of one call must be given
// the same workspace (the operator is set up on its addresses).
//
// In an nhwc case (any weight layout) x and y are the caller's, in place:
// the workspace holds the weights alone, stage_in sets the operator up on the
// caller's x and y, and stage_out has nothing to do. The input is then not
// narrowed: trailing rows no window reads are left to XNNPACK's output size
// (it floors), and a geometry where that size is not oh x ow is declined.
//
// Under an ISA cap below the CPU's (--isa, machine.hpp) it declines: XNNPACK
// picks its micro-kernels from cpuinfo at xnn_initialize, and its API has no
// way to cap them.
//
// Contract: XNNPACK accumulates each output in fp32 with no transform, so on
// the checker's small-integer data every partial sum is an exact integer and
// the result matches the reference bit for bit. Measured with
// `build/tests/tolerance_survey xnnpack` (600 random fwd problems, seed 99,
// both passes of the checker): no integer mismatch; relative error on real
// data (|got - ref| / sum |terms|) median 7.8e-8, p99 1.8e-7, max 2.1e-7, a
// few fp32 roundings, as for oneDNN's direct kernels; and by `convlab
// validate --algo xnnpack --dir fwd --mb 2` on the 11 bundled shape sets (333
// 2-D problems): no failure, worst 3.6e-7 (resnext_101 conv7, a 1x1 summing
// 256 channels). tolerance 1e-5, oneDNN's, keeps a 28x margin over the worst
// seen; a wrong tap or index gives errors of order 1e-2 and more on this
// measure.
#include <xnnpack.h>
#include <pthreadpool.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "algorithms/algorithm.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/common/nhwc_layouts.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab {

namespace {

constexpr std::string_view algorithm_name = "xnnpack";

struct PoolDeleter {
    void operator()(pthreadpool* pool) const { pthreadpool_destroy(pool); }
};
using Pool = std::unique_ptr<pthreadpool, PoolDeleter>;

struct OperatorDeleter {
    void operator()(xnn_operator* op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, OperatorDeleter>;

bool xnnpack_initialized() {
    static const bool ok = xnn_initialize(nullptr) == xnn_status_success;
    return ok;
}

// What XNNPACK is given: the input narrowed to the rows and columns the
// windows reach, so that bottom and right padding are never negative.
struct Geometry {
    int64_t used_ih, used_iw;
    uint32_t pad_top, pad_right, pad_bottom, pad_left;
};

Geometry geometry_of(const Problem& p, bool narrowed) {
    const int64_t bottom = p.ph_bottom(), right = p.pw_right();
    const int64_t h = narrowed ? p.ih + std::min<int64_t>(bottom, 0) : p.ih;
    const int64_t w = narrowed ? p.iw + std::min<int64_t>(right, 0) : p.iw;
    return {h, w, uint32_t(p.ph), uint32_t(std::max<int64_t>(right, 0)), uint32_t(std::max<int64_t>(bottom, 0)),
            uint32_t(p.pw)};
}

// Whether XNNPACK's output size of the geometry (floor division) is oh x ow.
bool gives_problem_output(const Problem& p, const Geometry& geo) {
    const int64_t h = geo.used_ih + geo.pad_top + geo.pad_bottom - p.extent_h();
    const int64_t w = geo.used_iw + geo.pad_left + geo.pad_right - p.extent_w();
    return h >= 0 && w >= 0 && h / p.sh + 1 == p.oh && w / p.sw + 1 == p.ow;
}

// Packs `w` (XNNPACK's order) and `b` (may be null) into a new operator.
xnn_status create_operator(const Problem& p, const Geometry& geo, const float* w, const float* b, Operator& out) {
    xnn_operator_t op = nullptr;
    const xnn_status status = xnn_create_convolution2d_nhwc_f32(
        geo.pad_top, geo.pad_right, geo.pad_bottom, geo.pad_left, uint32_t(p.kh), uint32_t(p.kw), uint32_t(p.sh),
        uint32_t(p.sw), uint32_t(p.dh + 1), uint32_t(p.dw + 1), uint32_t(p.g), size_t(p.icg()), size_t(p.ocg()),
        size_t(p.ic), size_t(p.oc), w, b, -INFINITY, INFINITY, 0, &op);
    out.reset(status == xnn_status_success ? op : nullptr);
    return status;
}

class XnnpackPrimitive final : public Primitive {
public:
    XnnpackPrimitive(const Problem& p, const Geometry& geo, int threads, Pool pool, Layout layout)
        : Primitive(threads), p_(p), geo_(geo), pool_(std::move(pool)),
          nhwc_(layout.activations == ActivationLayout::nhwc),
          weight_strides_(strides_in(p.w_dims(), axis_order(layout.weights))) {
        x_bytes_ = nhwc_ ? 0 : aligned_float_bytes(p.mb * geo.used_ih * geo.used_iw * p.ic);
        y_bytes_ = nhwc_ ? 0 : aligned_float_bytes(p.y_elems());
        w_bytes_ = aligned_float_bytes(p.w_elems());
    }

    int64_t workspace_bytes() const override { return x_bytes_ + y_bytes_ + w_bytes_; }
    std::string implementation() const override {
        return nhwc_ ? "XNNPACK NHWC f32 convolution, in place on the caller's NHWC tensors"
                     : "XNNPACK NHWC f32 convolution";
    }

    void stage_in(const ConvArgs& a) const override {
        TimingPhaseScope scope(a.timing_phases, "stage_in");
        if (!nhwc_) stage_x(a.x, x_nhwc(a));
        stage_weights(a.w, w_xnn(a));
        if (xnn_status s = create_operator(p_, geo_, w_xnn(a), a.b, op_); s != xnn_status_success)
            throw std::runtime_error("xnnpack: xnn_create_convolution2d_nhwc_f32 failed, status " + std::to_string(s));
        const float* x = nhwc_ ? a.x : x_nhwc(a);
        float* y = nhwc_ ? a.y : y_nhwc(a);
        if (xnn_status s = xnn_setup_convolution2d_nhwc_f32(op_.get(), size_t(p_.mb), size_t(geo_.used_ih),
                                                            size_t(geo_.used_iw), x, y, pool_.get());
            s != xnn_status_success)
            throw std::runtime_error("xnnpack: xnn_setup_convolution2d_nhwc_f32 failed, status " + std::to_string(s));
    }

    void stage_out(const ConvArgs& a) const override {
        if (nhwc_) return;  // y is already the caller's
        TimingPhaseScope scope(a.timing_phases, "stage_out");
        const float* y = y_nhwc(a);
        const int64_t plane = p_.oh * p_.ow;
        for (int64_t n = 0; n < p_.mb; ++n)
            for (int64_t c = 0; c < p_.oc; ++c)
                for (int64_t i = 0; i < plane; ++i) a.y[(n * p_.oc + c) * plane + i] = y[(n * plane + i) * p_.oc + c];
    }

protected:
    void run(const ConvArgs& a) const override {
        if (!op_) throw std::logic_error("xnnpack: run() before stage_in(): no operator was created");
        TimingPhaseScope scope(a.timing_phases, "conv");
        if (xnn_status s = xnn_run_operator(op_.get(), pool_.get()); s != xnn_status_success)
            throw std::runtime_error("xnnpack: xnn_run_operator failed, status " + std::to_string(s));
    }

private:
    float* x_nhwc(const ConvArgs& a) const { return reinterpret_cast<float*>(a.workspace); }
    float* y_nhwc(const ConvArgs& a) const { return reinterpret_cast<float*>(a.workspace + x_bytes_); }
    float* w_xnn(const ConvArgs& a) const { return reinterpret_cast<float*>(a.workspace + x_bytes_ + y_bytes_); }

    // NCHW -> NHWC of the rows and columns the windows reach.
    void stage_x(const float* x, float* out) const {
        const int64_t h = geo_.used_ih, w = geo_.used_iw;
        for (int64_t n = 0; n < p_.mb; ++n)
            for (int64_t c = 0; c < p_.ic; ++c)
                for (int64_t i = 0; i < h; ++i)
                    for (int64_t j = 0; j < w; ++j)
                        out[((n * h + i) * w + j) * p_.ic + c] = x[((n * p_.ic + c) * p_.ih + i) * p_.iw + j];
    }

    // The case's weight layout (strides of oc, ic/g, kh, kw) -> [g][oc/g][kh][kw][ic/g]
    void stage_weights(const float* w, float* out) const {
        const int64_t icg = p_.icg();
        const auto& s = weight_strides_;
        for (int64_t o = 0; o < p_.oc; ++o)
            for (int64_t i = 0; i < icg; ++i)
                for (int64_t y = 0; y < p_.kh; ++y)
                    for (int64_t x = 0; x < p_.kw; ++x)
                        out[((o * p_.kh + y) * p_.kw + x) * icg + i] = w[o * s[0] + i * s[1] + y * s[2] + x * s[3]];
    }

    Problem p_;
    Geometry geo_;
    Pool pool_;
    bool nhwc_;                               // x and y are the caller's NHWC tensors
    std::array<int64_t, 4> weight_strides_;  // of (oc, ic/g, kh, kw) in the case's weight layout
    int64_t x_bytes_ = 0, y_bytes_ = 0, w_bytes_ = 0;
    mutable Operator op_;  // created by stage_in, with the weights of that call
};

class Xnnpack final : public Algorithm {
public:
    std::string_view name() const override { return algorithm_name; }
    std::string_view family() const override { return "xnnpack"; }
    std::string_view description() const override {
        return "XNNPACK NHWC f32 convolution (indirect GEMM), fwd only, layout changes and weight packing outside the timed call";
    }
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 1e-5}; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return prepare_layout(p, d, threads, Layout{});
    }
    // XNNPACK runs NHWC: in place there, with the weights (any layout)
    // reordered into its own order and packed outside the timed call.
    std::vector<Layout> layouts() const override { return nchw_and_every_nhwc(); }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        if (d != Direction::fwd) return declined(name(), "forward only: XNNPACK has no backward convolution");
        if (this_machine().isa < this_cpu().isa)
            return declined(name(), fmt::format("cannot honour the ISA cap {}: XNNPACK picks its kernels from the "
                                                "CPU at xnn_initialize and has no way to cap them",
                                                to_string(this_machine().isa)));
        if (!xnnpack_initialized()) return declined(name(), "xnn_initialize failed (no supported CPU features?)");
        const bool nhwc = layout.activations == ActivationLayout::nhwc;
        const Geometry geo = geometry_of(p, !nhwc);
        if (geo.used_ih < 1 || geo.used_iw < 1)
            return declined(name(), "the windows reach no input row or column (all padding)");
        if (nhwc && !gives_problem_output(p, geo))
            return declined(name(), "in NHWC the input is used in place, and XNNPACK's output size of it is not "
                                    "oh x ow (input rows or columns past the windows, at least a stride of them)");
        // Trial creation on zero weights: XNNPACK validates the geometry at creation.
        const std::vector<float> zeros(size_t(p.w_elems()), 0.0f);
        Operator trial;
        if (xnn_status s = create_operator(p, geo, zeros.data(), nullptr, trial); s != xnn_status_success)
            return declined(name(), "XNNPACK rejects this geometry (xnn_create_convolution2d_nhwc_f32 status " +
                                        std::to_string(s) + ")");
        Pool pool(pthreadpool_create(size_t(threads)));
        if (!pool) return declined(name(), "pthreadpool_create failed");
        return prepared<XnnpackPrimitive>(p, geo, threads, std::move(pool), layout);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_xnnpack() { return std::make_unique<Xnnpack>(); }

}  // namespace convlab
