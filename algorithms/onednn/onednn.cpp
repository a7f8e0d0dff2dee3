// onednn: the external baseline as a user with NCHW tensors would call it
// without any layout work: oneDNN 2.6 is handed the caller's plain memory
// (nchw activations, oihw / goihw weights, x bias) and picks whichever of its
// implementations accepts plain layouts; Primitive::implementation() names it.
// On the AVX-512 machine measured that was "x64:gemm:jit" (im2col + oneDNN's
// own GEMM) for every preset, random problem and ResNet-50 layer, in all
// three directions.
//
// All oneDNN set-up (primitive descriptors, the primitive, memory objects
// without buffers) happens in prepare(); execute() only points the memory
// objects at the caller's buffers and the workspace, runs and waits. The
// workspace holds oneDNN's scratchpad (scratchpad_mode::user, so
// workspace_bytes is the whole memory the call needs) and an oc-float bias
// stand-in: the primitive always has a bias (fwd) and a bias diff (bwd_w),
// and when the caller passes none, a zero bias or a throwaway db is used.
//
// Exactness: oneDNN's fp32 kernels accumulate products in fp32, and direct
// (not Winograd) convolution is requested, so on the checker's small-integer
// data every partial sum is an exact integer and the results match the
// reference bit for bit. Measured (harness check, both algorithms, all three
// directions): no integer mismatch on the 22 presets, 100 random problems and
// the 20 ResNet-50 layers at mb 2, nor on three ResNet-50 layers at mb 16.
//
// tolerance(): the largest relative error (|got - ref| / sum |terms|) on
// real-valued data over those same runs was 3.8e-7 (onednn_blocked, conv1 at
// mb 16; onednn's own worst 3.1e-7), a few fp32 roundings, and it did not grow
// with the reduction length (bwd_w at mb 16 sums 50,176 terms per element and
// stayed at 1.5e-7: oneDNN splits long sums into blocks). 1e-5 keeps a 25x
// margin over that for shapes not measured; a wrong tap or index gives errors
// of order 1e-2 and more on this measure.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "algorithms/onednn/onednn_common.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab {

namespace {

// Workspace: [scratchpad][bias stand-in], each region 64-byte aligned.
class PlainPrimitive final : public Primitive {
public:
    PlainPrimitive(const Problem& p, Direction d, int threads, Layout layout)
        : Primitive(threads),
          pd_(onednn_conv_pd(p, d, OnednnLayout::plain, dnnl::algorithm::convolution_direct, layout)),
          conv_(pd_),
          operands_(onednn_operands(p, d, layout)),
          bias_offset_(align64(scratchpad_bytes(pd_))),
          bias_elems_(p.oc) {
        for (const OnednnOperand& op : operands_) {
            if (pd_.query_md(dnnl::query::exec_arg_md, op.arg) != op.user)
                throw std::logic_error("onednn: oneDNN changed a plain layout it was given");
            args_[op.arg] = dnnl::memory(op.user, onednn_engine(), DNNL_MEMORY_NONE);
        }
        if (scratchpad_bytes(pd_) > 0)
            args_[DNNL_ARG_SCRATCHPAD] = dnnl::memory(pd_.scratchpad_desc(), onednn_engine(), DNNL_MEMORY_NONE);
    }

    int64_t workspace_bytes() const override { return bias_offset_ + align64(bias_elems_ * int64_t(sizeof(float))); }
    std::string implementation() const override { return pd_.impl_info_str(); }

protected:
    void run(const ConvArgs& a) const override {
        for (const OnednnOperand& op : operands_) {
            void* pointer = user_pointer(a, op.arg);
            if (!pointer && op.is_bias) pointer = bias_stand_in(a, op.output);
            args_.at(op.arg).set_data_handle(pointer);
        }
        if (auto it = args_.find(DNNL_ARG_SCRATCHPAD); it != args_.end()) it->second.set_data_handle(a.workspace);
        TimingPhaseScope scope(a.timing_phases, "conv");
        conv_.execute(onednn_stream(), args_);
        onednn_stream().wait();
    }

private:
    // A zero bias (fwd) or a throwaway bias diff (bwd_w) in the workspace.
    float* bias_stand_in(const ConvArgs& a, bool output) const {
        float* bias = reinterpret_cast<float*>(a.workspace + bias_offset_);
        if (!output) std::fill(bias, bias + bias_elems_, 0.0f);
        return bias;
    }

    dnnl::primitive_desc pd_;
    dnnl::primitive conv_;
    std::vector<OnednnOperand> operands_;
    // Memory objects created once; execute() only changes their data handles
    // (which is why a primitive must not be executed by two threads at once).
    std::unordered_map<int, dnnl::memory> args_;
    int64_t bias_offset_, bias_elems_;
};

class Onednn final : public Algorithm {
public:
    std::string_view name() const override { return "onednn"; }
    std::string_view description() const override {
        return "oneDNN 2.6 direct convolution on the caller's plain tensors, in the case's layout (external baseline)";
    }
    std::string_view family() const override { return "onednn"; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return onednn_prepare<PlainPrimitive>(name(), p, d, threads, Layout{});
    }
    // oneDNN takes the caller's tensors in any of these as strided plain
    // memory; where it has no implementation for them, it declines.
    std::vector<Layout> layouts() const override { return onednn_layouts(); }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return onednn_unless_reference(name(), onednn_prepare<PlainPrimitive>(name(), p, d, threads, layout), layout);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn() { return std::make_unique<Onednn>(); }

}  // namespace convlab
