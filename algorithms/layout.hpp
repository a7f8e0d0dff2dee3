// The data layout of a case: the order of the activations' and the weights'
// axes in memory. A layout is a permutation of the canonical 4-D tensors,
// [n][c][h][w] activations (x, y, dx, dy) and [oc][ic/g][kh][kw] weights
// (w, dw), never another shape: with groups, IOHW is [ic/g][oc][kh][kw] and
// HWIO is [kh][kw][ic/g][oc]. The bias is [oc] in every layout.
//
// Written as the activation tag and the weight tag, "nhwc:hwio". A lone
// activation tag takes the weights that put the reduction axes in the
// activations' order: nchw -> oihw, nhwc -> ohwi ([oc][kh][kw][ic], so a
// row of weights is a row of an NHWC im2col; oneDNN's and XNNPACK's pairing).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace convlab {

enum class ActivationLayout { nchw, nhwc };
enum class WeightLayout { oihw, hwio, ohwi, iohw };

struct Layout {
    ActivationLayout activations = ActivationLayout::nchw;
    WeightLayout weights = WeightLayout::oihw;
    bool operator==(const Layout&) const = default;
};

// Every layout, nchw:oihw first (the default, convlab's canonical order).
std::vector<Layout> all_layouts();

std::string_view to_string(ActivationLayout a);
std::string_view to_string(WeightLayout w);
std::string to_string(Layout layout);  // "nhwc:ohwi"

// "nchw", "nhwc", or "ACT:WEI"; a SettingError naming `setting` otherwise.
Layout parse_layout(std::string_view setting, std::string_view text);

// The permutation of a layout: position k of the layout holds canonical axis
// order[k] (nhwc is {0, 2, 3, 1}: n, then h, w, c).
using AxisOrder = std::array<int, 4>;
AxisOrder axis_order(ActivationLayout a);
AxisOrder axis_order(WeightLayout w);

// The dims of a tensor in the layout, from its canonical dims.
std::vector<int64_t> dims_in(const std::vector<int64_t>& canonical_dims, const AxisOrder& order);
// The element stride, in the layout, of each canonical axis: canonical index
// (a, b, c, d) is element a * s[0] + b * s[1] + c * s[2] + d * s[3].
std::array<int64_t, 4> strides_in(const std::vector<int64_t>& canonical_dims, const AxisOrder& order);

// Copies a canonical tensor into the layout, and back. T is float or double.
template <class T>
void to_layout(const T* canonical, const std::vector<int64_t>& canonical_dims, const AxisOrder& order, T* out);
template <class T>
void from_layout(const T* laid_out, const std::vector<int64_t>& canonical_dims, const AxisOrder& order, T* canonical);

}  // namespace convlab
