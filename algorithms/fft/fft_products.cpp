#include "algorithms/fft/fft_products.hpp"

#include <cblas.h>

#include "algorithms/timing_phases.hpp"

namespace convlab::fft {

void multiply(const Geometry& g, const ConvArgs& a, Product product, int64_t ocb, int64_t tbc, bool accumulate) {
    TimingPhaseScope scope(a.timing_phases, "product");
    cfloat* wf = reinterpret_cast<cfloat*>(a.workspace + g.weights_offset);
    cfloat* cf = reinterpret_cast<cfloat*>(a.workspace + g.channels_offset);
    cfloat* of = reinterpret_cast<cfloat*>(a.workspace + g.outputs_offset);
    const cfloat one(1.0f), beta(accumulate ? 1.0f : 0.0f);
    const int64_t cv = g.cv;
    // Static schedule over frequencies: each product is one single-threaded
    // GEMM (OpenBLAS runs so inside a parallel region) of the same shape
    // whatever the thread count.
#pragma omp parallel for num_threads(g.threads) schedule(static)
    for (int64_t f = 0; f < g.freqs; ++f) {
        cfloat* w = wf + f * ocb * cv;
        cfloat* c = cf + f * cv * tbc;
        cfloat* o = of + f * ocb * tbc;
        switch (product) {
            case Product::forward:
                cblas_cgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(ocb), blasint(tbc), blasint(cv), &one,
                            w, blasint(cv), c, blasint(tbc), &beta, o, blasint(tbc));
                break;
            case Product::backward_data:
                cblas_cgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(cv), blasint(tbc), blasint(ocb), &one, w,
                            blasint(cv), o, blasint(tbc), &beta, c, blasint(tbc));
                break;
            case Product::backward_weights:
                cblas_cgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(ocb), blasint(cv), blasint(tbc), &one, o,
                            blasint(tbc), c, blasint(tbc), &beta, w, blasint(cv));
                break;
        }
    }
}

}  // namespace convlab::fft
