#include "algorithms/stride_view/window_view.hpp"

#include <algorithm>
#include <cstring>

namespace convlab {

PaddedInput padded_input(const Problem& p) {
    PaddedInput padded;
    padded.height = p.ph + p.ih + p.ph_bottom();
    padded.width = p.pw + p.iw + p.pw_right();
    padded.needs_copy = p.ph > 0 || p.pw > 0 || p.ph_bottom() > 0 || p.pw_right() > 0;
    padded.elems = padded.needs_copy ? p.mb * p.ic * padded.height * padded.width : 0;
    return padded;
}

void pad_input(const Problem& p, const float* x, float* padded) {
    const PaddedInput geometry = padded_input(p);
    const int64_t height = geometry.height, width = geometry.width;
    // The padding rows above and columns left that fall inside the buffer, and
    // the input rows and columns that do: fewer than ih / iw when the bottom /
    // right padding is negative, none when the windows see only padding.
    const int64_t top = std::min(p.ph, height), left = std::min(p.pw, width);
    const int64_t rows = std::clamp<int64_t>(height - p.ph, 0, p.ih);
    const int64_t cols = std::clamp<int64_t>(width - p.pw, 0, p.iw);
#pragma omp parallel for schedule(static)
    for (int64_t plane = 0; plane < p.mb * p.ic; ++plane) {
        const float* in = x + plane * p.ih * p.iw;
        float* out = padded + plane * height * width;
        std::fill(out, out + top * width, 0.0f);
        for (int64_t r = 0; r < rows; ++r) {
            float* row = out + (top + r) * width;
            std::fill(row, row + left, 0.0f);
            std::memcpy(row + left, in + r * p.iw, sizeof(float) * cols);
            std::fill(row + left + cols, row + width, 0.0f);
        }
        std::fill(out + (top + rows) * width, out + height * width, 0.0f);
    }
}

WindowView window_view(const Problem& p, const float* source) {
    const PaddedInput geometry = padded_input(p);
    // Over x itself the row pitch and plane size are the input's own.
    const int64_t pitch = geometry.needs_copy ? geometry.width : p.iw;
    const int64_t plane = geometry.needs_copy ? geometry.height * geometry.width : p.ih * p.iw;
    WindowView v;
    v.data = source;
    const int64_t shape[6] = {p.mb, p.ic, p.oh, p.ow, p.kh, p.kw};
    const int64_t stride[6] = {p.ic * plane, plane, p.sh * pitch, p.sw, (p.dh + 1) * pitch, p.dw + 1};
    std::copy(shape, shape + 6, v.shape);
    std::copy(stride, stride + 6, v.stride);
    return v;
}

}  // namespace convlab
