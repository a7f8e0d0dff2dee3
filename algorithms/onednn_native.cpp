// onednn_native: what oneDNN 2.6 costs a network that keeps its tensors in
// oneDNN's own layouts from layer to layer. The convolution is the same as
// onednn_blocked's (format_tag::any, oneDNN's preferred blocked layouts and
// the kernels for them, StagedOnednn in onednn_staged.hpp), but the reorders
// from and to NCHW are staging, not part of the timed call: stage_in()
// reorders the inputs into workspace buffers, run() only convolves them,
// stage_out() reorders the outputs back for the checker. The benchmark times
// run() alone; execute() (the old single-call interface) runs all three so
// that the result is in NCHW.
//
// Exactness and tolerance: those of onednn_blocked (the same kernels, see
// onednn.cpp for the measurement); the reorders only move values.
#include <memory>
#include <string>

#include "algorithms/onednn_staged.hpp"

namespace convlab {

namespace {

class NativePrimitive final : public Primitive {
public:
    NativePrimitive(const Problem& p, Direction d) : staged_(p, d) {}

    // Work a network keeping oneDNN's layouts would not pay per call.
    void stage_in(const ConvArgs& a) const { staged_.stage_in(a); }
    void stage_out(const ConvArgs& a) const { staged_.stage_out(a); }
    // The timed part: the convolution on the staged buffers in the workspace.
    void run(const ConvArgs& a) const { staged_.run(a); }

    void execute(const ConvArgs& a) const override {
        stage_in(a);
        run(a);
        stage_out(a);
    }
    std::string implementation() const override { return staged_.implementation(); }

private:
    StagedOnednn staged_;
};

class OnednnNative final : public Algorithm {
public:
    std::string_view name() const override { return "onednn_native"; }
    std::string_view description() const override {
        return "oneDNN 2.6 direct convolution in its preferred blocked layouts, reorders outside the timed call";
    }
    std::string decline_reason(const Problem& p, Direction d) const override {
        return onednn_decline_reason(name(), p, d, OnednnLayout::preferred);
    }
    int64_t workspace_bytes(const Problem& p, Direction d) const override {
        return decline_reason(p, d).empty() ? make_blocked_plan(p, d).bytes : 0;
    }
    bool exact_on_integers() const override { return true; }
    double tolerance() const override { return 1e-5; }

    std::unique_ptr<Primitive> prepare(const Problem& p, Direction d) const override {
        return std::make_unique<NativePrimitive>(p, d);
    }
    void run(const Problem& p, Direction d, const ConvArgs& args) const override { prepare(p, d)->execute(args); }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn_native() { return std::make_unique<OnednnNative>(); }

}  // namespace convlab
