#include "algorithms/common/bias_gradient.hpp"

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

}  // namespace convlab
