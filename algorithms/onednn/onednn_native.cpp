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

#include "algorithms/onednn/onednn_staged.hpp"

namespace convlab {

namespace {

class OnednnNative final : public Algorithm {
public:
    std::string_view name() const override { return "onednn_native"; }
    std::string_view description() const override {
        return "oneDNN 2.6 direct convolution in its preferred blocked layouts, reorders outside the timed call";
    }
    std::string_view family() const override { return "onednn"; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return onednn_prepare<NativeOnednnPrimitive>(name(), p, d, threads);
    }
    // NHWC activations are handed over as they are; the weights (any layout)
    // are reordered into oneDNN's choice outside the timed call.
    std::vector<Layout> layouts() const override { return onednn_layouts(); }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return onednn_unless_reference(
            name(), onednn_prepare<NativeOnednnPrimitive>(name(), p, d, threads, dnnl::algorithm::convolution_direct, layout),
            layout);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn_native() { return std::make_unique<OnednnNative>(); }

}  // namespace convlab
