#include "algorithms/common/bias_gradient.hpp"

#include <algorithm>
#include <cstdint>

namespace convlab {
namespace {

double plane_sum(const float* plane, int64_t size) {
    constexpr int64_t lanes = 32;
    double partial[lanes] = {};
    int64_t e = 0;
    for (; e + lanes <= size; e += lanes)
        for (int64_t l = 0; l < lanes; ++l) partial[l] += plane[e + l];
    for (int64_t l = 0; e < size; ++e, ++l) partial[l] += plane[e];
    double sum = 0;
    for (double s : partial) sum += s;
    return sum;
}

}  // namespace

void bias_gradient(const Problem& p, const float* dy, float* db) {
    const int64_t out_plane = p.oh * p.ow;
#pragma omp parallel for
    for (int64_t oc = 0; oc < p.oc; ++oc) {
        double sum = 0;
        for (int64_t n = 0; n < p.mb; ++n) sum += plane_sum(dy + (n * p.oc + oc) * out_plane, out_plane);
        db[oc] = float(sum);
    }
}

void bias_gradient_nhwc(const Problem& p, const float* dy, float* db) {
    constexpr int64_t lanes = 32, block = 64;  // block: channels one thread sums, read as contiguous runs
    const int64_t out_plane = p.oh * p.ow, blocks = (p.oc + block - 1) / block;
#pragma omp parallel for
    for (int64_t j = 0; j < blocks; ++j) {
        const int64_t c0 = j * block, width = std::min(block, p.oc - c0);
        double total[block] = {}, partial[lanes][block];
        for (int64_t n = 0; n < p.mb; ++n) {
            for (auto& row : partial) std::fill(row, row + block, 0.0);
            for (int64_t e = 0; e < out_plane; ++e) {
                const float* pixel = dy + (n * out_plane + e) * p.oc + c0;
                double* into = partial[e % lanes];
                for (int64_t c = 0; c < width; ++c) into[c] += pixel[c];
            }
            // plane_sum's order: the partials added 0 to 31, then the image's sum to the total.
            for (int64_t c = 0; c < width; ++c) {
                double sum = 0;
                for (int64_t l = 0; l < lanes; ++l) sum += partial[l][c];
                total[c] += sum;
            }
        }
        for (int64_t c = 0; c < width; ++c) db[c0 + c] = float(total[c]);
    }
}

}  // namespace convlab
