#include "algorithms/layout.hpp"

#include <fmt/format.h>

#include "algorithms/common/nhwc_layouts.hpp"
#include "algorithms/settings.hpp"

namespace convlab {

std::vector<Layout> all_layouts() {
    std::vector<Layout> out;
    for (ActivationLayout a : {ActivationLayout::nchw, ActivationLayout::nhwc})
        for (WeightLayout w : {WeightLayout::oihw, WeightLayout::hwio, WeightLayout::ohwi, WeightLayout::iohw})
            out.push_back({a, w});
    return out;
}

std::vector<Layout> nchw_and_every_nhwc() {
    std::vector<Layout> out = {Layout{}};
    for (WeightLayout w : {WeightLayout::ohwi, WeightLayout::hwio, WeightLayout::oihw, WeightLayout::iohw})
        out.push_back({ActivationLayout::nhwc, w});
    return out;
}

std::string_view to_string(ActivationLayout a) { return a == ActivationLayout::nchw ? "nchw" : "nhwc"; }

std::string_view to_string(WeightLayout w) {
    switch (w) {
        case WeightLayout::oihw: return "oihw";
        case WeightLayout::hwio: return "hwio";
        case WeightLayout::ohwi: return "ohwi";
        case WeightLayout::iohw: return "iohw";
    }
    return "?";
}

std::string to_string(Layout layout) {
    return fmt::format("{}:{}", to_string(layout.activations), to_string(layout.weights));
}

Layout parse_layout(std::string_view setting, std::string_view text) {
    static constexpr std::string_view accepted =
        "nchw or nhwc, optionally :oihw, :hwio, :ohwi or :iohw (nchw alone is nchw:oihw, nhwc alone nhwc:ohwi)";
    const size_t colon = text.find(':');
    const std::string_view act = text.substr(0, colon);
    Layout layout;
    if (act == "nchw") layout = {ActivationLayout::nchw, WeightLayout::oihw};
    else if (act == "nhwc") layout = {ActivationLayout::nhwc, WeightLayout::ohwi};
    else throw SettingError(setting, text, accepted);
    if (colon == std::string_view::npos) return layout;
    const std::string_view wei = text.substr(colon + 1);
    for (WeightLayout w : {WeightLayout::oihw, WeightLayout::hwio, WeightLayout::ohwi, WeightLayout::iohw})
        if (wei == to_string(w)) {
            layout.weights = w;
            return layout;
        }
    throw SettingError(setting, text, accepted);
}

AxisOrder axis_order(ActivationLayout a) {
    return a == ActivationLayout::nchw ? AxisOrder{0, 1, 2, 3} : AxisOrder{0, 2, 3, 1};
}

AxisOrder axis_order(WeightLayout w) {
    switch (w) {
        case WeightLayout::oihw: return {0, 1, 2, 3};
        case WeightLayout::hwio: return {2, 3, 1, 0};
        case WeightLayout::ohwi: return {0, 2, 3, 1};
        case WeightLayout::iohw: return {1, 0, 2, 3};
    }
    return {0, 1, 2, 3};
}

std::vector<int64_t> dims_in(const std::vector<int64_t>& canonical_dims, const AxisOrder& order) {
    std::vector<int64_t> out(4);
    for (int k = 0; k < 4; ++k) out[size_t(k)] = canonical_dims.at(size_t(order[size_t(k)]));
    return out;
}

std::array<int64_t, 4> strides_in(const std::vector<int64_t>& canonical_dims, const AxisOrder& order) {
    const std::vector<int64_t> dims = dims_in(canonical_dims, order);
    std::array<int64_t, 4> strides{};
    int64_t stride = 1;
    for (int k = 3; k >= 0; --k) {
        strides[size_t(order[size_t(k)])] = stride;
        stride *= dims[size_t(k)];
    }
    return strides;
}

namespace {

// f(canonical flat index, laid-out flat index) over every element.
template <class F>
void for_each_element(const std::vector<int64_t>& dims, const AxisOrder& order, F f) {
    const auto s = strides_in(dims, order);
    int64_t flat = 0;
    for (int64_t a = 0; a < dims[0]; ++a)
        for (int64_t b = 0; b < dims[1]; ++b)
            for (int64_t c = 0; c < dims[2]; ++c)
                for (int64_t d = 0; d < dims[3]; ++d) f(flat++, a * s[0] + b * s[1] + c * s[2] + d * s[3]);
}

}  // namespace

template <class T>
void to_layout(const T* canonical, const std::vector<int64_t>& canonical_dims, const AxisOrder& order, T* out) {
    for_each_element(canonical_dims, order, [&](int64_t from, int64_t to) { out[to] = canonical[from]; });
}

template <class T>
void from_layout(const T* laid_out, const std::vector<int64_t>& canonical_dims, const AxisOrder& order, T* canonical) {
    for_each_element(canonical_dims, order, [&](int64_t to, int64_t from) { canonical[to] = laid_out[from]; });
}

template void to_layout<float>(const float*, const std::vector<int64_t>&, const AxisOrder&, float*);
template void to_layout<double>(const double*, const std::vector<int64_t>&, const AxisOrder&, double*);
template void from_layout<float>(const float*, const std::vector<int64_t>&, const AxisOrder&, float*);
template void from_layout<double>(const double*, const std::vector<int64_t>&, const AxisOrder&, double*);

}  // namespace convlab
