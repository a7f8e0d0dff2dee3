// onednn_blocked: oneDNN 2.6 at its best for a user who holds NCHW tensors.
// The convolution is created with format_tag::any, so oneDNN picks its
// preferred (blocked, e.g. nChw16c / OIhw16i16o) layouts and its fastest
// kernels for them; the timed call then pays what such a user pays: reorder
// the inputs from NCHW / OIHW into those layouts, convolve, reorder the
// outputs back. With phases requested, the three parts are reported as
// "reorder_in", "conv" and "reorder_out".
//
// Everything is created in prepare() (the convolution, one reorder primitive
// per operand whose chosen layout differs from the caller's, memory objects
// without buffers); execute() points them at the caller's buffers and the
// workspace. Workspace layout, every region 64-byte aligned:
//   [scratchpad, shared by the convolution and the reorders, which run one
//    after another][bias stand-in, oc floats][one buffer per reordered operand,
//    sized from the layout oneDNN chose]
//
// Exactness and tolerance: as for onednn, measured over the same problems
// (see onednn.cpp); the reorders only move values.
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "algorithms/onednn/onednn_common.hpp"
#include "algorithms/phase_times.hpp"

namespace convlab {

namespace {

// One operand of the convolution and, when oneDNN chose another layout for
// it, the reorder between the caller's layout and that one.
struct OperandPlan {
    OnednnOperand operand;
    dnnl::memory::desc chosen;                             // the layout the convolution uses
    std::optional<dnnl::reorder::primitive_desc> reorder;  // none when chosen == operand.user
    int64_t offset = -1;                                   // of the chosen-layout buffer in the workspace
};

struct BlockedPlan {
    dnnl::primitive_desc conv;
    std::vector<OperandPlan> operands;
    int64_t bias_offset = 0;
    int64_t bytes = 0;  // the whole workspace
};

BlockedPlan make_plan(const Problem& p, Direction d) {
    BlockedPlan plan;
    plan.conv = onednn_conv_pd(p, d, OnednnLayout::preferred);
    int64_t scratchpad = scratchpad_bytes(plan.conv);
    for (const OnednnOperand& op : onednn_operands(p, d)) {
        OperandPlan o{op, plan.conv.query_md(dnnl::query::exec_arg_md, op.arg), std::nullopt, -1};
        if (o.chosen != op.user) {
            const auto& from = op.output ? o.chosen : op.user;
            const auto& to = op.output ? op.user : o.chosen;
            o.reorder = dnnl::reorder::primitive_desc(onednn_engine(), from, onednn_engine(), to,
                                                      onednn_user_scratchpad());
            scratchpad = std::max(scratchpad, scratchpad_bytes(*o.reorder));
        }
        plan.operands.push_back(std::move(o));
    }
    plan.bias_offset = align64(scratchpad);
    int64_t offset = plan.bias_offset + align64(p.oc * int64_t(sizeof(float)));
    for (OperandPlan& o : plan.operands)
        if (o.reorder) o.offset = offset, offset += align64(int64_t(o.chosen.get_size()));
    plan.bytes = offset;
    return plan;
}

class BlockedPrimitive final : public Primitive {
public:
    BlockedPrimitive(const Problem& p, Direction d, int threads)
        : Primitive(threads), plan_(make_plan(p, d)), conv_(plan_.conv), bias_elems_(p.oc) {
        const auto& engine = onednn_engine();
        scratchpad_ = dnnl::memory(dnnl::memory::desc({std::max<int64_t>(plan_.bias_offset, 1)},
                                                      dnnl::memory::data_type::u8, dnnl::memory::format_tag::x),
                                   engine, DNNL_MEMORY_NONE);
        for (const OperandPlan& o : plan_.operands) {
            Binding b{&o, dnnl::memory(o.operand.user, engine, DNNL_MEMORY_NONE), {}, {}, {}};
            if (o.reorder) {
                b.chosen = dnnl::memory(o.chosen, engine, DNNL_MEMORY_NONE);
                b.reorder = dnnl::reorder(*o.reorder);
                b.reorder_args = {{DNNL_ARG_FROM, o.operand.output ? b.chosen : b.user},
                                  {DNNL_ARG_TO, o.operand.output ? b.user : b.chosen}};
                if (scratchpad_bytes(*o.reorder) > 0) b.reorder_args[DNNL_ARG_SCRATCHPAD] = scratchpad_;
            }
            conv_args_[o.operand.arg] = o.reorder ? b.chosen : b.user;
            bindings_.push_back(std::move(b));
        }
        if (scratchpad_bytes(plan_.conv) > 0) conv_args_[DNNL_ARG_SCRATCHPAD] = scratchpad_;
    }

    int64_t workspace_bytes() const override { return plan_.bytes; }
    std::string implementation() const override { return plan_.conv.impl_info_str(); }

protected:
    void run(const ConvArgs& a) const override {
        scratchpad_.set_data_handle(a.workspace);
        for (const Binding& b : bindings_) {
            void* pointer = user_pointer(a, b.plan->operand.arg);
            if (!pointer && b.plan->operand.is_bias) pointer = bias_stand_in(a, b.plan->operand.output);
            b.user.set_data_handle(pointer);
            if (b.plan->reorder) b.chosen.set_data_handle(a.workspace + b.plan->offset);
        }
        dnnl::stream& stream = onednn_stream();
        {
            PhaseScope scope(a.phases, "reorder_in");
            for (const Binding& b : bindings_)
                if (b.plan->reorder && !b.plan->operand.output) b.reorder.execute(stream, b.reorder_args);
            stream.wait();
        }
        {
            PhaseScope scope(a.phases, "conv");
            conv_.execute(stream, conv_args_);
            stream.wait();
        }
        PhaseScope scope(a.phases, "reorder_out");
        for (const Binding& b : bindings_)
            if (b.plan->reorder && b.plan->operand.output) b.reorder.execute(stream, b.reorder_args);
        stream.wait();
    }

private:
    struct Binding {
        const OperandPlan* plan;
        dnnl::memory user, chosen;  // chosen is empty when no reorder is needed
        dnnl::reorder reorder;
        std::unordered_map<int, dnnl::memory> reorder_args;  // FROM, TO and the shared scratchpad
    };

    // A zero bias (fwd) or a throwaway bias diff (bwd_w) in the workspace.
    float* bias_stand_in(const ConvArgs& a, bool output) const {
        float* bias = reinterpret_cast<float*>(a.workspace + plan_.bias_offset);
        if (!output) std::fill(bias, bias + bias_elems_, 0.0f);
        return bias;
    }

    BlockedPlan plan_;
    dnnl::primitive conv_;
    int64_t bias_elems_;
    // Memory objects created once; execute() only changes their data handles
    // (which is why a primitive must not be executed by two threads at once).
    dnnl::memory scratchpad_;
    std::vector<Binding> bindings_;
    std::unordered_map<int, dnnl::memory> conv_args_;
};

class OnednnBlocked final : public Algorithm {
public:
    std::string_view name() const override { return "onednn_blocked"; }
    std::string_view description() const override {
        return "oneDNN 2.6 direct convolution in its preferred blocked layouts, reorders from/to NCHW included";
    }
    std::string_view family() const override { return "onednn"; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return onednn_prepare<BlockedPrimitive>(name(), p, d, threads);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn_blocked() { return std::make_unique<OnednnBlocked>(); }

}  // namespace convlab
