// onednn_blocked: oneDNN 2.6 at its best for a user who holds NCHW tensors.
// The convolution is created with format_tag::any, so oneDNN picks its
// preferred (blocked, e.g. nChw16c / OIhw16i16o) layouts and its fastest
// kernels for them; the timed call then pays what such a user pays: reorder
// the inputs from NCHW / OIHW into those layouts, convolve, reorder the
// outputs back (the three stages of StagedOnednn, onednn_staged.hpp, which
// also describes the workspace). onednn_native runs the same stages with only
// the convolution timed.
//
// Exactness and tolerance: as for onednn, measured over the same problems
// (see onednn.cpp); the reorders only move values.
#include <memory>
#include <string>

#include "algorithms/onednn/onednn_staged.hpp"

namespace convlab {

namespace {

class BlockedPrimitive final : public Primitive {
public:
    BlockedPrimitive(const Problem& p, Direction d, int threads, Layout layout)
        : Primitive(threads), staged_(p, d, dnnl::algorithm::convolution_direct, layout) {}
    int64_t workspace_bytes() const override { return staged_.workspace_bytes(); }
    std::string implementation() const override { return staged_.implementation(); }

protected:
    // What a caller holding NCHW tensors pays: all three stages, timed.
    void run(const ConvArgs& a) const override {
        staged_.stage_in(a);
        staged_.run(a);
        staged_.stage_out(a);
    }

private:
    StagedOnednn staged_;
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
        return onednn_prepare<BlockedPrimitive>(name(), p, d, threads, Layout{});
    }
    std::vector<Layout> layouts() const override { return onednn_layouts(); }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return onednn_unless_reference(name(), onednn_prepare<BlockedPrimitive>(name(), p, d, threads, layout), layout);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn_blocked() { return std::make_unique<OnednnBlocked>(); }

}  // namespace convlab
