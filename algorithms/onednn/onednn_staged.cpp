#include "algorithms/onednn/onednn_staged.hpp"

#include <algorithm>

#include "algorithms/timing_phases.hpp"

namespace convlab {

BlockedPlan make_blocked_plan(const Problem& p, Direction d, dnnl::algorithm kind, Layout layout) {
    BlockedPlan plan;
    plan.conv = onednn_conv_pd(p, d, OnednnLayout::preferred, kind, layout);
    int64_t scratchpad = scratchpad_bytes(plan.conv);
    for (const OnednnOperand& op : onednn_operands(p, d, layout)) {
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

StagedOnednn::StagedOnednn(const Problem& p, Direction d, dnnl::algorithm kind, Layout layout)
    : plan_(make_blocked_plan(p, d, kind, layout)), conv_(plan_.conv), bias_elems_(p.oc) {
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

void StagedOnednn::bind(const ConvArgs& a) const {
    scratchpad_.set_data_handle(a.workspace);
    for (const Binding& b : bindings_) {
        void* pointer = user_pointer(a, b.plan->operand.arg);
        if (!pointer && b.plan->operand.is_bias) pointer = bias_stand_in(a, b.plan->operand.output);
        b.user.set_data_handle(pointer);
        if (b.plan->reorder) b.chosen.set_data_handle(a.workspace + b.plan->offset);
    }
}

void StagedOnednn::reorder(const ConvArgs& a, bool outputs, const char* phase) const {
    bind(a);
    TimingPhaseScope scope(a.timing_phases, phase);
    dnnl::stream& stream = onednn_stream();
    for (const Binding& b : bindings_)
        if (b.plan->reorder && b.plan->operand.output == outputs) b.reorder.execute(stream, b.reorder_args);
    stream.wait();
}

void StagedOnednn::stage_in(const ConvArgs& a) const { reorder(a, false, "reorder_in"); }
void StagedOnednn::stage_out(const ConvArgs& a) const { reorder(a, true, "reorder_out"); }

void StagedOnednn::run(const ConvArgs& a) const {
    bind(a);
    TimingPhaseScope scope(a.timing_phases, "conv");
    conv_.execute(onednn_stream(), conv_args_);
    onednn_stream().wait();
}

float* StagedOnednn::bias_stand_in(const ConvArgs& a, bool output) const {
    float* bias = reinterpret_cast<float*>(a.workspace + plan_.bias_offset);
    if (!output) std::fill(bias, bias + bias_elems_, 0.0f);
    return bias;
}

}  // namespace convlab
