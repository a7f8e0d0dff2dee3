#include "algorithms/im2col_gemm/im2col.hpp"

#include <algorithm>
#include <cstring>

#include "algorithms/common/simd.hpp"

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

// Stride 2 (ResNet's downsampling layers and its 7x7 stem) in whole vectors
// (lanes.hpp): element-wise, the strided copy and above all the strided add
// were a fifth of those layers' time.
//
// dst[o] = src[2 * o] for o < count; reads src[0 .. 2 * count - 2] only.
void copy_even(const float* src, int64_t count, float* dst) {
    int64_t o = 0;
    for (; o + 8 < count; o += 8) store_lanes<8>(dst + o, strided_lanes<2>(src + 2 * o));
    for (; o < count; ++o) dst[o] = src[2 * o];
}

// dst[2 * o] += src[o] for o < count; the odd elements between are read and
// written back plus zero (unchanged but for -0, which becomes +0).
void add_even(const float* src, int64_t count, float* dst) {
    int64_t o = 0;
    const Lanes<8> zero = {};
    for (; o + 8 < count; o += 8) {
        const Lanes<8> s = load_lanes<8>(src + o);
        store_lanes<8>(dst + 2 * o,
                    load_lanes<8>(dst + 2 * o) + __builtin_shuffle(s, zero, LaneIndex8{0, 8, 1, 8, 2, 8, 3, 8}));
        store_lanes<8>(dst + 2 * o + 8,
                    load_lanes<8>(dst + 2 * o + 8) + __builtin_shuffle(s, zero, LaneIndex8{4, 8, 5, 8, 6, 8, 7, 8}));
    }
    for (; o < count; ++o) dst[2 * o] += src[o];
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
                    else if (sw == 2)
                        copy_even(src + 2 * valid.begin + w_offset, valid.end - valid.begin, dst + valid.begin);
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
                    else if (sw == 2)
                        add_even(src + valid.begin, valid.end - valid.begin, dst + 2 * valid.begin + w_offset);
                    else
                        for (int64_t o = valid.begin; o < valid.end; ++o) dst[o * sw + w_offset] += src[o];
                }
            }
}

bool col2im_is_a_copy(const Problem& p) { return p.kh == 1 && p.kw == 1 && p.ph == 0 && p.pw == 0; }

void col2im_set(const Problem& p, const float* col, int64_t oh_begin, int64_t oh_end, float* dx, int64_t ld) {
    const int64_t rows = oh_end - oh_begin, n = im2col_cols(p, rows);
    if (ld == 0) ld = n;
    const int64_t ih = p.ih, iw = p.iw, ow = p.ow, sh = p.sh, sw = p.sw;
    const int64_t h_end = oh_end == p.oh ? ih : std::min(ih, oh_end * sh);
    const int64_t valid = valid_range(0, sw, iw, ow).end;  // output columns whose input column exists
#pragma omp parallel for if (im2col_rows(p) * n > parallel_threshold)
    for (int64_t c = 0; c < p.icg(); ++c)
        for (int64_t h = std::min(ih, oh_begin * sh); h < h_end; ++h) {
            float* dst = dx + (c * ih + h) * iw;
            const int64_t oh = h / sh;
            if (h % sh != 0 || oh >= oh_end) {
                std::fill(dst, dst + iw, 0.0f);
                continue;
            }
            const float* src = col + c * ld + (oh - oh_begin) * ow;
            if (sw == 1) {
                std::copy(src, src + valid, dst);
                std::fill(dst + valid, dst + iw, 0.0f);
                continue;
            }
            std::fill(dst, dst + iw, 0.0f);
            if (sw == 2)
                add_even(src, valid, dst);  // onto zeros: the values themselves
            else
                for (int64_t o = 0; o < valid; ++o) dst[o * sw] = src[o];
        }
}

bool col2im_needs_zeroed_dx(const Problem& p) { return !col2im_is_a_copy(p); }

void col2im(const Problem& p, const float* col, int64_t oh_begin, int64_t oh_end, float* dx, int64_t ld) {
    if (col2im_is_a_copy(p))
        col2im_set(p, col, oh_begin, oh_end, dx, ld);
    else
        col2im_add(p, col, oh_begin, oh_end, dx, ld);
}

}  // namespace convlab
