// indirect: the indirect convolution algorithm (Dukhan, "The Indirect
// Convolution Algorithm", 2019; XNNPACK's engine) in all three directions,
// on NHWC tensors inside. An indirection buffer holds, for every output
// pixel and kernel tap, a pointer to the NHWC input row (channels
// contiguous) that the tap multiplies, or to a zero row the primitive owns
// for a padding tap; register-blocked micro-kernels (AVX-512, AVX2, scalar,
// chosen from the CPU or CONVLAB_ISA as the direct engine chooses) sum
// pixels x output channels tiles over those rows and packed weight panels.
//
//   fwd:   the buffer over x, weights packed as [oc panel][tap][ic][nr].
//   bwd_d: per stride phase, a buffer over dy (each dx pixel gathers the dy
//          rows that touch it) with the phase's taps of the transposed
//          weights: one forward-shaped gather per phase, no scatter.
//   bwd_w: the forward buffer over x feeds a dW tile kernel, input channels
//          x output channels of one tap summed over pixels; db by the shared
//          bias_gradient. docs/indirect.md derives both backward passes.
//
// In nchw:oihw the primitive owns NHWC staging buffers, allocated at
// prepare, so the pointers are known then and the buffers are built once, as
// XNNPACK builds its at setup; stage_in converts NCHW to NHWC and packs the
// weights, stage_out converts back. In nhwc (any weight layout) it reads and
// writes the caller's tensors: the indirection buffer points into the
// caller's input, built again whenever a call brings another input pointer
// (stage_in does it ahead of the timed calls, as XNNPACK's setup does;
// run() does it itself, a timing phase of its own, if stage_in did not),
// and the weights are packed by stage_in. The timed call runs the kernels
// alone. In nchw:oihw the owned buffers are what workspace_bytes() reports
// (the caller's workspace is not used: pointers into it could not be built
// before the call). In nhwc the primitive owns nothing: the zero row, the
// packed weights, bwd_w's dW tiles and the indirection buffer live in the
// caller's workspace, which stage_in, run and stage_out of one call must
// share (stage_in writes the zero row and packs the weights into it).
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/common/bias_gradient.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/common/nhwc_layouts.hpp"
#include "algorithms/indirect/drivers.hpp"
#include "algorithms/indirect/plan.hpp"
#include "algorithms/indirect/staging.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/tensor.hpp"

namespace convlab {

namespace {

using namespace indirect;

using Floats = std::unique_ptr<float[], AlignedFree>;

// The sizes of everything a primitive owns, before any of it is allocated.
struct Sizes {
    int64_t src = 0, dst = 0, dy = 0, zero = 0, panels = 0, pointers = 0;
    std::vector<int64_t> phase_panels;  // bwd_d: floats of each phase's panels
    int64_t bytes() const {
        return aligned_float_bytes(src) + aligned_float_bytes(dst) + aligned_float_bytes(dy)
             + aligned_float_bytes(zero) + aligned_float_bytes(panels) + pointers * int64_t(sizeof(const float*));
    }
};

// `nhwc`: the caller's tensors are used in place, so no activation is staged.
Sizes sizes_of(const Plan& plan, bool nhwc) {
    const Problem& p = plan.p;
    const int64_t mr = plan.kernels.mr, taps = p.kh * p.kw;
    Sizes s;
    s.zero = std::max(p.ic, p.oc);  // a row of either tensor, whatever channel offset a kernel adds
    switch (plan.d) {
        case Direction::fwd:
            s.src = p.x_elems(), s.dst = p.y_elems();
            s.panels = p.g * plan.panels * panel_floats(plan.nr, taps, plan.reduction);
            s.pointers = tiles_of(p.mb * p.oh * p.ow, mr) * taps * mr;
            break;
        case Direction::bwd_d:
            s.src = p.y_elems(), s.dst = p.x_elems();
            for (const StridePhase& ph : plan.phases) {
                const int64_t count = int64_t(ph.taps.size());
                s.phase_panels.push_back(p.g * plan.panels * panel_floats(plan.nr, count, plan.reduction));
                s.panels += round_up(s.phase_panels.back(), 16);
                s.pointers += count ? tiles_of(ph.pixels(p), mr) * count * mr : 0;
            }
            break;
        case Direction::bwd_w:
            s.src = p.x_elems(), s.dy = p.y_elems();
            s.dst = p.g * taps * plan.icg_rows * plan.ocg_cols;
            s.pointers = tiles_of(p.mb * p.oh * p.ow, mr) * taps * mr;
            break;
    }
    if (nhwc) {
        s.src = s.dy = 0;
        if (plan.d != Direction::bwd_w) s.dst = 0;  // bwd_w keeps its dW tiles
    }
    return s;
}

class IndirectPrimitive final : public Primitive {
public:
    IndirectPrimitive(Plan plan, const Sizes& sizes, Layout layout)
        : Primitive(plan.threads), plan_(std::move(plan)), sizes_(sizes), bytes_(sizes.bytes()),
          nhwc_(layout.activations == ActivationLayout::nhwc),
          weight_strides_(strides_in(plan_.p.w_dims(), axis_order(layout.weights))) {
        if (nhwc_) return;  // everything else lives in the caller's workspace (use_workspace)
        src_ = aligned_floats(sizes.src), dst_ = aligned_floats(sizes.dst), zero_ = aligned_floats(sizes.zero);
        panels_ = aligned_floats(sizes.panels);
        if (sizes.dy) dy_ = aligned_floats(sizes.dy);
        point_at(zero_.get(), panels_.get(), dst_.get());
        build_rows(src_.get());
    }

    int64_t workspace_bytes() const override { return bytes_; }
    std::string implementation() const override {
        return "indirect NHWC, " + plan_.tile_name() + " tile, " +
               (nhwc_ ? "in place on the caller's NHWC tensors, weights packed outside the timed call"
                      : "layouts converted outside the timed call");
    }

    void stage_in(const ConvArgs& a) const override {
        TimingPhaseScope scope(a.timing_phases, "stage_in");
        const Problem& p = plan_.p;
        const int T = threads();
        if (nhwc_) {
            use_workspace(a.workspace);
            std::fill(zero_row_, zero_row_ + sizes_.zero, 0.0f);
        }
        switch (plan_.d) {
            case Direction::fwd:
                if (nhwc_) build_rows(a.x);
                else nchw_to_nhwc(a.x, p.mb, p.ic, p.ih, p.iw, src_.get(), T);
                pack_forward_weights(p, a.w, weight_strides_, a.b, plan_.nr, panels_ptr_);
                break;
            case Direction::bwd_d:
                if (nhwc_) build_rows(a.dy);
                else nchw_to_nhwc(a.dy, p.mb, p.oc, p.oh, p.ow, src_.get(), T);
                for (size_t k = 0; k < plan_.phases.size(); ++k)
                    pack_backward_data_weights(p, a.w, weight_strides_, plan_.phases[k].taps, plan_.nr,
                                               phase_panels_[k]);
                break;
            case Direction::bwd_w:
                if (nhwc_) {
                    build_rows(a.x);
                } else {
                    nchw_to_nhwc(a.x, p.mb, p.ic, p.ih, p.iw, src_.get(), T);
                    nchw_to_nhwc(a.dy, p.mb, p.oc, p.oh, p.ow, dy_.get(), T);
                }
                break;
        }
    }

    void stage_out(const ConvArgs& a) const override {
        TimingPhaseScope scope(a.timing_phases, "stage_out");
        const Problem& p = plan_.p;
        const int T = threads();
        switch (plan_.d) {
            case Direction::fwd:
                if (!nhwc_) nhwc_to_nchw(dst_.get(), p.mb, p.oc, p.oh, p.ow, a.y, T);
                break;
            case Direction::bwd_d:
                if (!nhwc_) nhwc_to_nchw(dst_.get(), p.mb, p.ic, p.ih, p.iw, a.dx, T);
                break;
            case Direction::bwd_w:
                if (nhwc_) use_workspace(a.workspace);
                unstage_weights_grad(dst_ptr_, p, plan_.icg_rows, plan_.ocg_cols, a.dw, weight_strides_, T);
                break;
        }
    }

protected:
    void run(const ConvArgs& a) const override {
        const Problem& p = plan_.p;
        if (nhwc_) {
            const float* input = plan_.d == Direction::bwd_d ? a.dy : a.x;
            if (input != rows_built_for_ || a.workspace != workspace_) {
                // A call stage_in did not prepare (another input or workspace):
                // the buffer is built here, inside the call.
                TimingPhaseScope scope(a.timing_phases, "indirection");
                if (a.workspace != workspace_)
                    throw std::logic_error("indirect: run() on a workspace stage_in did not pack the weights into");
                build_rows(input);
            }
        }
        float* y = nhwc_ ? a.y : dst_ptr_;
        float* dx = nhwc_ ? a.dx : dst_ptr_;
        const float* dy = nhwc_ ? a.dy : dy_.get();
        {
            TimingPhaseScope scope(a.timing_phases, "conv");
            switch (plan_.d) {
                case Direction::fwd: run_forward(plan_, row_pointers_[0], panels_ptr_, y, p.oc); break;
                case Direction::bwd_d: run_backward_data(plan_, row_pointers_, phase_panels_read_, dx, p.ic); break;
                case Direction::bwd_w: run_weights_grad(plan_, row_pointers_[0], dy, p.oc, dst_ptr_); break;
            }
        }
        if (plan_.d == Direction::bwd_w && a.db) {
            TimingPhaseScope scope(a.timing_phases, "bias");
            if (nhwc_) bias_gradient_nhwc(p, a.dy, a.db);
            else bias_gradient(p, a.dy, a.db);
        }
    }

private:
    // The zero row, the panels (each phase's, for bwd_d) and the dW tiles.
    void point_at(float* zero, float* panels, float* dst) const {
        zero_row_ = zero, panels_ptr_ = panels, dst_ptr_ = dst;
        phase_panels_.clear(), phase_panels_read_.clear();
        int64_t offset = 0;
        for (size_t k = 0; k < plan_.phases.size() && plan_.d == Direction::bwd_d; ++k) {
            phase_panels_.push_back(panels + offset);
            phase_panels_read_.push_back(panels + offset);
            offset += round_up(sizes_.phase_panels[k], 16);
        }
    }

    // nhwc: [zero row][panels][dW tiles][indirection pointers] in `workspace`.
    void use_workspace(std::byte* workspace) const {
        if (workspace == workspace_) return;
        std::byte* at = workspace;
        float* zero = reinterpret_cast<float*>(at);
        at += aligned_float_bytes(sizes_.zero);
        float* panels = reinterpret_cast<float*>(at);
        at += aligned_float_bytes(sizes_.panels);
        float* dst = reinterpret_cast<float*>(at);
        at += aligned_float_bytes(sizes_.dst);
        pointer_region_ = reinterpret_cast<const float**>(at);
        point_at(zero, panels, dst);
        workspace_ = workspace;
        rows_built_for_ = nullptr;  // the pointers were in the old workspace
    }

    // The indirection buffers over `input` (NHWC x, or dy for bwd_d); in nhwc
    // copied into the workspace's pointer region.
    void build_rows(const float* input) const {
        const Problem& p = plan_.p;
        const int64_t mr = plan_.kernels.mr;
        rows_.clear(), row_pointers_.clear();
        if (plan_.d == Direction::bwd_d) {
            for (const StridePhase& phase : plan_.phases)
                rows_.push_back(backward_data_indirection(p, phase, input, p.oc, zero_row_, mr));
        } else {
            rows_.push_back(forward_indirection(p, input, p.ic, zero_row_, mr));
        }
        const float** region = pointer_region_;
        for (const auto& rows : rows_) {
            if (!nhwc_) {
                row_pointers_.push_back(rows.data());
                continue;
            }
            std::copy(rows.begin(), rows.end(), region);
            row_pointers_.push_back(region);
            region += rows.size();
        }
        if (nhwc_) rows_.clear();  // the workspace holds them now
        rows_built_for_ = input;
    }

    Plan plan_;
    Sizes sizes_;
    int64_t bytes_;
    bool nhwc_;                     // the caller's tensors are NHWC: used in place
    WeightStrides weight_strides_;  // of (oc, ic/g, kh, kw) in the case's weight layout
    // Written by stage_in, run and stage_out through const member functions:
    // the primitive's own buffers, not its state (one call at a time).
    Floats src_, dst_, dy_, zero_, panels_;
    mutable std::vector<std::vector<const float*>> rows_;  // one indirection buffer, or one per stride phase
    mutable std::vector<const float* const*> row_pointers_;
    mutable const float* rows_built_for_ = nullptr;  // the input the buffers point into
    // Where the kernels find their buffers: the owned ones (nchw), or the
    // workspace of the last stage_in (nhwc).
    mutable float *zero_row_ = nullptr, *panels_ptr_ = nullptr, *dst_ptr_ = nullptr;
    mutable const float** pointer_region_ = nullptr;
    mutable std::byte* workspace_ = nullptr;
    mutable std::vector<float*> phase_panels_;             // bwd_d: each phase's panels, packed by stage_in
    mutable std::vector<const float*> phase_panels_read_;  // the same, as the kernels read them
};

// Half the machine's memory: the buffers are allocated at prepare, before
// the harness's memory guard sees workspace_bytes(), so prepare guards itself.
int64_t allocation_budget() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && page > 0 ? int64_t(pages) * int64_t(page) / 2 : int64_t(8) << 30;
}

class Indirect final : public Algorithm {
public:
    std::string_view name() const override { return "indirect"; }
    std::string_view family() const override { return "indirect"; }
    std::string_view description() const override {
        return "indirect convolution (Dukhan 2019, XNNPACK's engine): a pointer per output pixel and tap into NHWC rows, "
               "register-blocked AVX-512/AVX2 kernels; bwd_d by stride phases over dy, bwd_w by a dW tile kernel";
    }
    // Every output is a sum of fp32 products accumulated in fp32, the same
    // terms as im2col + GEMM in another order (per tap, then per channel;
    // backward weights over every pixel in one running sum per element, as
    // direct's kernel and a GEMM's long k loop do). Products and sums of the
    // checker's small integers are exact in fp32, FMA or not, so the result
    // is exact on integer data; on real data the error is a few roundings
    // per term (at most about n * 2^-24 of the sum of |terms| for n terms,
    // far less in practice), so im2col_gemm's and direct's 1e-5 applies.
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 1e-5}; }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return prepare_layout(p, d, threads, Layout{});
    }
    // NHWC is what the kernels read: in place, with any weight layout (the
    // packing reads the weights through their strides).
    std::vector<Layout> layouts() const override { return nchw_and_every_nhwc(); }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        Plan plan = make_plan(p, d, threads, chosen_kernels());
        const Sizes sizes = sizes_of(plan, layout.activations == ActivationLayout::nhwc);
        if (sizes.bytes() > allocation_budget())
            return declined(name(), "its buffers (" + std::to_string(sizes.bytes() >> 20) +
                                        " MiB, allocated at prepare) exceed half of this machine's memory");
        return prepared<IndirectPrimitive>(std::move(plan), sizes, layout);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_indirect() { return std::make_unique<Indirect>(); }

}  // namespace convlab
