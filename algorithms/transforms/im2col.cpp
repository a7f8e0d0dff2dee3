#include "algorithms/transforms/im2col.hpp"

#include <algorithm>
#include <cstring>

namespace convlab {

namespace {

// Outputs o in [0, count) whose input index o * stride + offset lies in [0, size).
struct ValidRange {
    int64_t begin, end;
};

ValidRange valid_range(int64_t offset, int64_t stride, int64_t size, int64_t count) {
    const int64_t begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    const int64_t last = size - 1 - offset;  // o * stride <= last
    const int64_t end = last < 0 ? 0 : std::min(count, last / stride + 1);
    return {std::min(begin, end), end};
}

// Enough work per channel to be worth threads; below it a parallel region
// costs more than it saves. Inside a parallel region of the caller the
// nested region is inactive and runs on the calling thread.
constexpr int64_t parallel_threshold = 1 << 15;

}  // namespace

void im2col(const Problem& p, const float* x, int64_t oh_begin, int64_t oh_end, float* col, int64_t ld) {
    const int64_t rows = oh_end - oh_begin, n = im2col_cols(p, rows);
    if (ld == 0) ld = n;
    const int64_t ih = p.ih, iw = p.iw, ow = p.ow, sw = p.sw;
#pragma omp parallel for if (im2col_rows(p) * n > parallel_threshold)
    for (int64_t c = 0; c < p.icg(); ++c)
        for (int64_t i = 0; i < p.kh; ++i)
            for (int64_t j = 0; j < p.kw; ++j) {
                float* dst = col + ((c * p.kh + i) * p.kw + j) * ld;
                const int64_t w_offset = j * (p.dw + 1) - p.pw;
                const ValidRange valid = valid_range(w_offset, sw, iw, ow);
                for (int64_t oh = oh_begin; oh < oh_end; ++oh, dst += ow) {
                    const int64_t h = oh * p.sh - p.ph + i * (p.dh + 1);
                    if (h < 0 || h >= ih) {
                        std::fill(dst, dst + ow, 0.0f);
                        continue;
                    }
                    const float* src = x + (c * ih + h) * iw;  // indexed by o * sw + w_offset >= 0
                    std::fill(dst, dst + valid.begin, 0.0f);
                    if (sw == 1 && valid.end > valid.begin)
                        std::memcpy(dst + valid.begin, src + valid.begin + w_offset,
                                    size_t(valid.end - valid.begin) * sizeof(float));
                    else
                        for (int64_t o = valid.begin; o < valid.end; ++o) dst[o] = src[o * sw + w_offset];
                    std::fill(dst + valid.end, dst + ow, 0.0f);
                }
            }
}

void col2im_add(const Problem& p, const float* col, int64_t oh_begin, int64_t oh_end, float* dx, int64_t ld) {
    const int64_t rows = oh_end - oh_begin, n = im2col_cols(p, rows);
    if (ld == 0) ld = n;
    const int64_t ih = p.ih, iw = p.iw, ow = p.ow, sw = p.sw;
    // Parallel over input channels only: different taps of one channel add
    // into the same elements.
#pragma omp parallel for if (im2col_rows(p) * n > parallel_threshold)
    for (int64_t c = 0; c < p.icg(); ++c)
        for (int64_t i = 0; i < p.kh; ++i)
            for (int64_t j = 0; j < p.kw; ++j) {
                const float* src = col + ((c * p.kh + i) * p.kw + j) * ld;
                const int64_t w_offset = j * (p.dw + 1) - p.pw;
                const ValidRange valid = valid_range(w_offset, sw, iw, ow);
                for (int64_t oh = oh_begin; oh < oh_end; ++oh, src += ow) {
                    const int64_t h = oh * p.sh - p.ph + i * (p.dh + 1);
                    if (h < 0 || h >= ih) continue;
                    float* dst = dx + (c * ih + h) * iw;
                    if (sw == 1)  // contiguous on both sides: a loop the compiler vectorises
                        for (int64_t o = valid.begin; o < valid.end; ++o) dst[o + w_offset] += src[o];
                    else
                        for (int64_t o = valid.begin; o < valid.end; ++o) dst[o * sw + w_offset] += src[o];
                }
            }
}

}  // namespace convlab
