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

#include "algorithms/onednn/onednn_staged.hpp"

namespace convlab {

namespace {

class NativePrimitive final : public Primitive {
public:
    NativePrimitive(const Problem& p, Direction d, int threads) : Primitive(threads), staged_(p, d) {}
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

class OnednnNative final : public Algorithm {
public:
    std::string_view name() const override { return "onednn_native"; }
    std::string_view description() const override {
        return "oneDNN 2.6 direct convolution in its preferred blocked layouts, reorders outside the timed call";
    }
    std::string_view family() const override { return "onednn"; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return onednn_prepare<NativePrimitive>(name(), p, d, threads);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn_native() { return std::make_unique<OnednnNative>(); }

}  // namespace convlab
