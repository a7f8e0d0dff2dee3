// The checker's tensors in a case's layout (algorithms/layout.hpp): the data
// is filled and the reference computed in the canonical nchw:oihw order, then
// the inputs and the expected outputs are permuted into the case's layout, so
// every element is still compared with the double reference and a failure
// names its index in the case's layout.
#pragma once

#include <optional>
#include <vector>

#include "algorithms/layout.hpp"
#include "harness/verify/check.hpp"

namespace convlab {

// The tensors of `d` in `layout`: the inputs of `canonical` permuted, the
// outputs allocated with the layout's dims.
ConvTensors in_layout(const ConvTensors& canonical, Direction d, Layout layout);

// A tensor's canonical dims, and its axis order in the layout (none for the
// 1-D bias and its gradient).
struct TensorLayout {
    std::vector<int64_t> canonical_dims;
    std::optional<AxisOrder> order;
};
// The outputs of `d`, in outputs_of's order: y | dx | dw, db.
std::vector<TensorLayout> output_layouts(const Problem& p, Direction d, Layout layout);

// Canonical values of one output (a reference or its scales) in the layout.
std::vector<double> expected_in_layout(const std::vector<double>& canonical, const TensorLayout& tensor);

}  // namespace convlab
