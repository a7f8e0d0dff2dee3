#include "harness/verify/layout_tensors.hpp"

namespace convlab {
namespace {

Tensor permuted(const Tensor& canonical, const AxisOrder& order) {
    if (canonical.size() == 0 && canonical.dims().empty()) return {};
    Tensor out(dims_in(canonical.dims(), order));
    to_layout(canonical.data(), canonical.dims(), order, out.data());
    return out;
}

Tensor allocated(const Tensor& canonical, const AxisOrder& order) {
    if (canonical.dims().empty()) return {};
    return Tensor(dims_in(canonical.dims(), order));
}

}  // namespace

ConvTensors in_layout(const ConvTensors& c, Direction d, Layout layout) {
    const AxisOrder act = axis_order(layout.activations), wei = axis_order(layout.weights);
    ConvTensors t;
    switch (d) {
        case Direction::fwd:
            t.x = permuted(c.x, act), t.w = permuted(c.w, wei), t.y = allocated(c.y, act);
            if (c.b.size()) t.b = Tensor(c.b.dims()), std::copy(c.b.data(), c.b.data() + c.b.size(), t.b.data());
            break;
        case Direction::bwd_d: t.dy = permuted(c.dy, act), t.w = permuted(c.w, wei), t.dx = allocated(c.dx, act); break;
        case Direction::bwd_w:
            t.x = permuted(c.x, act), t.dy = permuted(c.dy, act), t.dw = allocated(c.dw, wei);
            if (!c.db.dims().empty()) t.db = Tensor(c.db.dims());
            break;
    }
    return t;
}

std::vector<TensorLayout> output_layouts(const Problem& p, Direction d, Layout layout) {
    const AxisOrder act = axis_order(layout.activations), wei = axis_order(layout.weights);
    switch (d) {
        case Direction::fwd: return {{p.y_dims(), act}};
        case Direction::bwd_d: return {{p.x_dims(), act}};
        case Direction::bwd_w: return {{p.w_dims(), wei}, {p.b_dims(), std::nullopt}};
    }
    return {};
}

std::vector<double> expected_in_layout(const std::vector<double>& canonical, const TensorLayout& tensor) {
    if (!tensor.order) return canonical;
    std::vector<double> out(canonical.size());
    to_layout(canonical.data(), tensor.canonical_dims, *tensor.order, out.data());
    return out;
}

}  // namespace convlab
