// oneDNN in its preferred layouts (with NHWC activations: those kept, the
// weights in oneDNN's choice; onednn_conv_pd), split into the three stages both
// onednn_blocked and onednn_native run:
//   stage_in:  reorder the inputs from the caller's NCHW / OIHW into the
//              layouts oneDNN chose (format_tag::any), into workspace buffers;
//   run:       the convolution alone, on those buffers;
//   stage_out: reorder the outputs back into the caller's NCHW / OIHW.
// onednn_blocked times all three (what a user holding NCHW tensors pays);
// onednn_native times run() only (what a network keeping oneDNN's layouts
// from layer to layer pays). With timing phases requested the stages are
// reported as "reorder_in", "conv" and "reorder_out".
//
// Everything is created in the constructor (the convolution, one reorder
// primitive per operand whose chosen layout differs from the caller's, memory
// objects without buffers); the stages only point them at the caller's
// buffers and the workspace. Workspace layout, every region 64-byte aligned:
//   [scratchpad, shared by the convolution and the reorders, which run one
//    after another][bias stand-in, oc floats][one buffer per reordered operand,
//    sized from the layout oneDNN chose]
// The staged buffers live in the workspace, so stage_in, run and stage_out of
// one call must be given the same workspace.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "algorithms/onednn/onednn_common.hpp"

namespace convlab {

// One operand of the convolution and, when oneDNN chose another layout for
// it, the reorder between the caller's layout and that one.
struct OperandPlan {
    OnednnOperand operand;
    dnnl::memory::desc chosen;                             // the layout the convolution uses
    std::optional<dnnl::reorder::primitive_desc> reorder;  // none when chosen == operand.user
    int64_t offset = -1;                                   // of the chosen-layout buffer in the workspace
};

// Primitive descriptors only (no primitives): cheap enough for workspace_bytes().
struct BlockedPlan {
    dnnl::primitive_desc conv;
    std::vector<OperandPlan> operands;
    int64_t bias_offset = 0;
    int64_t bytes = 0;  // the whole workspace
};

// Throws dnnl::error when oneDNN declines (see onednn_decline_reason).
BlockedPlan make_blocked_plan(const Problem& p, Direction d,
                              dnnl::algorithm kind = dnnl::algorithm::convolution_direct, Layout layout = {});

class StagedOnednn {
public:
    StagedOnednn(const Problem& p, Direction d, dnnl::algorithm kind = dnnl::algorithm::convolution_direct,
                 Layout layout = {});

    void stage_in(const ConvArgs& a) const;
    void run(const ConvArgs& a) const;
    void stage_out(const ConvArgs& a) const;

    int64_t workspace_bytes() const { return plan_.bytes; }
    std::string implementation() const { return plan_.conv.impl_info_str(); }

private:
    struct Binding {
        const OperandPlan* plan;
        dnnl::memory user, chosen;  // chosen is empty when no reorder is needed
        dnnl::reorder reorder;
        std::unordered_map<int, dnnl::memory> reorder_args;  // FROM, TO and the shared scratchpad
    };

    // Points every memory object at the caller's buffers and the workspace.
    void bind(const ConvArgs& a) const;
    void reorder(const ConvArgs& a, bool outputs, const char* phase) const;
    // A zero bias (fwd) or a throwaway bias diff (bwd_w) in the workspace.
    float* bias_stand_in(const ConvArgs& a, bool output) const;

    BlockedPlan plan_;
    dnnl::primitive conv_;
    int64_t bias_elems_;
    // Memory objects created once; the stages only change their data handles
    // (which is why a primitive must not be executed by two threads at once).
    dnnl::memory scratchpad_;
    std::vector<Binding> bindings_;
    std::unordered_map<int, dnnl::memory> conv_args_;
};

// A staged oneDNN convolution whose timed call is the convolution alone:
// stage_in / stage_out do the reorders (onednn_native, onednn_winograd).
class NativeOnednnPrimitive final : public Primitive {
public:
    NativeOnednnPrimitive(const Problem& p, Direction d, int threads,
                          dnnl::algorithm kind = dnnl::algorithm::convolution_direct, Layout layout = {})
        : Primitive(threads), staged_(p, d, kind, layout) {}
    int64_t workspace_bytes() const override { return staged_.workspace_bytes(); }
    std::string implementation() const override { return staged_.implementation(); }
    // Work a network keeping oneDNN's layouts would not pay per call.
    void stage_in(const ConvArgs& a) const override { staged_.stage_in(a); }
    void stage_out(const ConvArgs& a) const override { staged_.stage_out(a); }

protected:
    // The timed part: the convolution on the staged buffers in the workspace.
    void run(const ConvArgs& a) const override { staged_.run(a); }

private:
    StagedOnednn staged_;
};

}  // namespace convlab
