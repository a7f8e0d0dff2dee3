#include "algorithms/fft/fft_products.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <vector>

#include <cblas.h>
#include <omp.h>

#include "algorithms/timing_phases.hpp"

namespace convlab::fft {

void product_at(Gemm gemm, Product product, int64_t ocb, int64_t tbc, int64_t cv, cfloat* w, cfloat* c, cfloat* o,
                const cfloat& beta) {
    const auto run = gemm == Gemm::cgemm3m ? cblas_cgemm3m : cblas_cgemm;
    const cfloat one(1.0f);
    switch (product) {
        case Product::forward:
            run(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(ocb), blasint(tbc), blasint(cv), &one, w,
                blasint(cv), c, blasint(tbc), &beta, o, blasint(tbc));
            break;
        case Product::backward_data:
            run(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(cv), blasint(tbc), blasint(ocb), &one, w, blasint(cv),
                o, blasint(tbc), &beta, c, blasint(tbc));
            break;
        case Product::backward_weights:
            run(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(ocb), blasint(cv), blasint(tbc), &one, o,
                blasint(tbc), c, blasint(tbc), &beta, w, blasint(cv));
            break;
    }
}

namespace {

Product product_of(Direction d) {
    return d == Direction::fwd ? Product::forward
                               : d == Direction::bwd_d ? Product::backward_data : Product::backward_weights;
}

}  // namespace

std::string_view to_string(Gemm gemm) { return gemm == Gemm::cgemm3m ? "cgemm3m" : "cgemm"; }

namespace {

Gemm time_gemms(const Geometry& g) {
    const int64_t ocb = g.oc_block, tbc = g.tile_block, cv = g.cv;
    double best[2] = {1e30, 1e30};
#pragma omp parallel num_threads(g.threads)
    {
        // Each thread its own operands, small values: only the time matters.
        std::vector<cfloat> w(size_t(ocb * cv), cfloat(0.5f, 0.25f)), c(size_t(cv * tbc), cfloat(0.25f, 0.5f)),
            o(size_t(ocb * tbc), cfloat(0.5f));
        for (int rep = 0; rep < 3; ++rep)
            for (Gemm gemm : {Gemm::cgemm, Gemm::cgemm3m}) {
#pragma omp barrier
                const double start = omp_get_wtime();
                product_at(gemm, product_of(g.d), ocb, tbc, cv, w.data(), c.data(), o.data(), cfloat(0.0f));
                const double took = omp_get_wtime() - start;
#pragma omp critical
                best[int(gemm)] = std::min(best[int(gemm)], took);
            }
    }
    return best[1] < best[0] ? Gemm::cgemm3m : Gemm::cgemm;
}

}  // namespace

// Timed once per product shape and thread count in a process and remembered:
// a later primitive of the same shape runs the same GEMM, so a repeated run
// is bit-identical although the choice was timed.
Gemm fastest_gemm(const Geometry& g) {
    static std::mutex mutex;
    static std::map<std::array<int64_t, 5>, Gemm> chosen;
    const std::array<int64_t, 5> key{int64_t(g.d), g.oc_block, g.tile_block, g.cv, g.threads};
    std::lock_guard lock(mutex);
    if (auto it = chosen.find(key); it != chosen.end()) return it->second;
    return chosen[key] = time_gemms(g);
}

void multiply(const Geometry& g, const ConvArgs& a, Gemm gemm, Product product, int64_t ocb, int64_t tbc,
              bool accumulate) {
    TimingPhaseScope scope(a.timing_phases, "product");
    cfloat* wf = reinterpret_cast<cfloat*>(a.workspace + g.weights_offset);
    cfloat* cf = reinterpret_cast<cfloat*>(a.workspace + g.channels_offset);
    cfloat* of = reinterpret_cast<cfloat*>(a.workspace + g.outputs_offset);
    const cfloat beta(accumulate ? 1.0f : 0.0f);
    const int64_t cv = g.cv;
    // Static schedule over frequencies: each product is one single-threaded
    // GEMM (OpenBLAS runs so inside a parallel region) of the same shape
    // whatever the thread count.
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t f = 0; f < g.freqs; ++f)
        product_at(gemm, product, ocb, tbc, cv, wf + f * ocb * cv, cf + f * cv * tbc, of + f * ocb * tbc, beta);
}

}  // namespace convlab::fft
