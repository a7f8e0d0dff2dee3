// Backward data as a forward convolution (see full_conv.hpp for the mapping).
//
// Along one axis, dx[i] = sum_k dy[o] w[k] over o * s - p + k * D = i (D =
// dilation + 1). With z = dy dilated by s (z[o * s] = dy[o]) and k' = K - 1 - k,
// dx[i] = sum_k' z[i - P + k' * D] * w[K - 1 - k'], P = extent - 1 - p: a
// stride-1 convolution of z with the rotated kernel and padding P. When P < 0
// (padding beyond extent - 1) it runs with padding 0 and the first -P outputs
// are dropped.
#include "algorithms/common/full_conv.hpp"

#include <algorithm>

#include "algorithms/common/layout.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/timing_phases.hpp"

namespace convlab {

namespace {


bool needs_dilation(const Problem& p) { return p.sh > 1 || p.sw > 1; }
bool needs_crop(const FullConv& f) { return f.crop_h > 0 || f.crop_w > 0; }

// Workspace pieces in order; a size of zero when the piece is not needed.
struct Pieces {
    int64_t dilated_dy, rotated_w, cropping;
};

Pieces pieces(const Problem& p, const FullConv& f) {
    return {needs_dilation(p) ? aligned_float_bytes(f.forward.x_elems()) : 0, aligned_float_bytes(p.w_elems()),
            needs_crop(f) ? aligned_float_bytes(f.forward.y_elems()) : 0};
}

}  // namespace

FullConv full_conv(const Problem& p) {
    FullConv f;
    Problem& q = f.forward;
    q = p;
    q.name = p.name.empty() ? "" : p.name + ":full_conv";
    q.ic = p.oc, q.oc = p.ic;
    q.ih = dilated_size(p.oh, p.sh), q.iw = dilated_size(p.ow, p.sw);
    q.sh = 1, q.sw = 1;
    const int64_t pad_h = p.extent_h() - 1 - p.ph, pad_w = p.extent_w() - 1 - p.pw;
    q.ph = std::max<int64_t>(pad_h, 0), q.pw = std::max<int64_t>(pad_w, 0);
    f.crop_h = std::max<int64_t>(-pad_h, 0), f.crop_w = std::max<int64_t>(-pad_w, 0);
    q.oh = p.ih + f.crop_h, q.ow = p.iw + f.crop_w;
    return f;
}

namespace {

class FullConvBackwardData final : public Primitive {
public:
    FullConvBackwardData(const Problem& p, std::unique_ptr<Primitive> forward)
        : Primitive(forward->threads()), p_(p), f_(full_conv(p)), pieces_(pieces(p, f_)), forward_(std::move(forward)) {}

    int64_t workspace_bytes() const override {
        return pieces_.dilated_dy + pieces_.rotated_w + pieces_.cropping + forward_->workspace_bytes();
    }
    std::string implementation() const override { return forward_->implementation(); }

protected:
    void run(const ConvArgs& args) const override {
        const Problem& p = p_;
        std::byte* cursor = args.workspace;
        auto take = [&cursor](int64_t bytes) {
            float* piece = reinterpret_cast<float*>(cursor);
            cursor += bytes;
            return piece;
        };
        float* dilated_dy = take(pieces_.dilated_dy);
        float* rotated_w = take(pieces_.rotated_w);
        float* cropping = take(pieces_.cropping);

        const float* z = args.dy;
        if (needs_dilation(p)) {
            TimingPhaseScope scope(args.timing_phases, "dilate");
            dilate_planes(args.dy, p.mb * p.oc, p.oh, p.ow, p.sh, p.sw, dilated_dy);
            z = dilated_dy;
        }
        {
            TimingPhaseScope scope(args.timing_phases, "rot180");
            rot180_weights(args.w, p.g, p.ocg(), p.icg(), p.kh, p.kw, rotated_w);
        }
        ConvArgs fwd;
        fwd.x = z;
        fwd.w = rotated_w;
        fwd.y = needs_crop(f_) ? cropping : args.dx;
        fwd.workspace = cursor;
        fwd.timing_phases = args.timing_phases;
        forward_->execute(fwd);

        if (needs_crop(f_)) {
            TimingPhaseScope scope(args.timing_phases, "crop");
            crop_planes(cropping, p.mb * p.ic, f_.forward.oh, f_.forward.ow, f_.crop_h, f_.crop_w, p.ih, p.iw, args.dx);
        }
    }

private:
    Problem p_;
    FullConv f_;
    Pieces pieces_;
    std::unique_ptr<Primitive> forward_;
};

}  // namespace

std::unique_ptr<Primitive> full_conv_backward_data(const Problem& p, std::unique_ptr<Primitive> forward) {
    return std::make_unique<FullConvBackwardData>(p, std::move(forward));
}

}  // namespace convlab
