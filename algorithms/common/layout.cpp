#include "algorithms/common/layout.hpp"

#include <algorithm>
#include <cstring>

namespace convlab {

void dilate_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t sh, int64_t sw, float* out) {
    const int64_t oh = dilated_size(h, sh), ow = dilated_size(w, sw);
    for (int64_t p = 0; p < planes; ++p) {
        const float* src = in + p * h * w;
        float* dst = out + p * oh * ow;
        std::fill(dst, dst + oh * ow, 0.0f);
        for (int64_t i = 0; i < h; ++i)
            for (int64_t j = 0; j < w; ++j) dst[i * sh * ow + j * sw] = src[i * w + j];
    }
}

void erode_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t sh, int64_t sw, float* out) {
    const int64_t oh = eroded_size(h, sh), ow = eroded_size(w, sw);
    for (int64_t p = 0; p < planes; ++p) {
        const float* src = in + p * h * w;
        float* dst = out + p * oh * ow;
        for (int64_t i = 0; i < oh; ++i)
            for (int64_t j = 0; j < ow; ++j) dst[i * ow + j] = src[i * sh * w + j * sw];
    }
}

void pad_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t top, int64_t left, int64_t bottom,
                int64_t right, float* out) {
    const int64_t oh = top + h + bottom, ow = left + w + right;
    for (int64_t p = 0; p < planes; ++p) {
        const float* src = in + p * h * w;
        float* dst = out + p * oh * ow;
        std::fill(dst, dst + top * ow, 0.0f);
        for (int64_t i = 0; i < h; ++i) {
            float* row = dst + (top + i) * ow;
            std::fill(row, row + left, 0.0f);
            std::memcpy(row + left, src + i * w, size_t(w) * sizeof(float));
            std::fill(row + left + w, row + ow, 0.0f);
        }
        std::fill(dst + (top + h) * ow, dst + oh * ow, 0.0f);
    }
}

void crop_planes(const float* in, int64_t planes, int64_t h, int64_t w, int64_t top, int64_t left, int64_t out_h,
                 int64_t out_w, float* out) {
    for (int64_t p = 0; p < planes; ++p)
        for (int64_t i = 0; i < out_h; ++i)
            std::memcpy(out + (p * out_h + i) * out_w, in + (p * h + top + i) * w + left, size_t(out_w) * sizeof(float));
}

void rot180_weights(const float* w, int64_t g, int64_t ocg, int64_t icg, int64_t kh, int64_t kw, float* out) {
    const int64_t taps = kh * kw;
    // Output-major, so the writes are one stream per thread and the reads
    // gather; in the other order (and on one thread) this copy took 1.4 ms of
    // a 7 ms Winograd bwd_d at 512 x 512 channels.
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t gi = 0; gi < g; ++gi)
        for (int64_t i = 0; i < icg; ++i)
            for (int64_t o = 0; o < ocg; ++o) {
                const float* src = w + ((gi * ocg + o) * icg + i) * taps;
                float* dst = out + ((gi * icg + i) * ocg + o) * taps;
                // Reversing the flattened kh*kw taps is the 180-degree rotation.
                for (int64_t t = 0; t < taps; ++t) dst[t] = src[taps - 1 - t];
            }
}

}  // namespace convlab
