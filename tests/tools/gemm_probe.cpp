// How fast OpenBLAS and oneDNN's own sgemm run the GEMMs im2col_gemm makes,
// side by side in one process: the evidence behind "a 1x1 layer is a bare
// sgemm, so it runs at OpenBLAS's speed". Each shape is run the way
// im2col_gemm runs it: `images` independent row-major C[M x N] = A[M x K] .
// B_n[K x N] products, images in parallel on all OpenMP threads, each GEMM
// single-threaded, every image with its own B and C (as layers' activations
// are). Prints the median and best GFLOP/s of the repetitions per library.
//
//   build/tests/gemm_probe [--repetitions R] M N K [M N K ...]
//   (images: 8, like run.sh's minibatch; a 1x1 stride-1 layer's forward is
//   M = oc, N = oh * ow, K = ic; its backward data is M = ic, K = oc with A
//   transposed, which runs at the same speed to within a few percent here)
#include <cblas.h>
#include <dnnl.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr int images = 8;

struct Shape {
    int m, n, k;
};

// Seconds for all images, once.
double run_once(const Shape& s, bool onednn, int threads, const std::vector<float>& a, std::vector<float>& b,
                std::vector<float>& c) {
    const auto start = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int i = 0; i < images; ++i) {
        const float* bi = b.data() + size_t(i) * s.k * s.n;
        float* ci = c.data() + size_t(i) * s.m * s.n;
        if (onednn)
            dnnl_sgemm('N', 'N', s.m, s.n, s.k, 1.0f, a.data(), s.k, bi, s.n, 0.0f, ci, s.n);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.m, s.n, s.k, 1.0f, a.data(), s.k, bi, s.n,
                        0.0f, ci, s.n);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    int repetitions = 20;
    std::vector<int> numbers;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--repetitions" && i + 1 < argc) {
            repetitions = std::atoi(argv[++i]);
            continue;
        }
        const int value = std::atoi(arg.c_str());
        if (value < 1 || value > 1 << 16) {
            std::fprintf(stderr, "gemm_probe: '%s' is not a size from 1 to 65536 (usage: gemm_probe M N K ...)\n",
                         arg.c_str());
            return 2;
        }
        numbers.push_back(value);
    }
    if (numbers.empty() || numbers.size() % 3 != 0 || repetitions < 1) {
        std::fprintf(stderr, "usage: gemm_probe [--repetitions R>=1] M N K [M N K ...]\n");
        return 2;
    }
    // Each GEMM on one thread, the images giving the parallelism: OpenBLAS's
    // OpenMP build runs single-threaded inside a parallel region by itself,
    // as in convlab (algorithms/threading.hpp); oneDNN's sgemm does too.
    const int threads = omp_get_max_threads();
    std::printf("%s, %d threads, %d images per run, %d repetitions\n", openblas_get_config(), threads, images,
                repetitions);
    for (size_t i = 0; i < numbers.size(); i += 3) {
        const Shape s{numbers[i], numbers[i + 1], numbers[i + 2]};
        std::vector<float> a(size_t(s.m) * s.k, 0.01f), b(size_t(images) * s.k * s.n, 0.5f),
            c(size_t(images) * s.m * s.n);
        const double flops = 2.0 * s.m * s.n * s.k * images;
        std::printf("M %5d N %5d K %5d", s.m, s.n, s.k);
        for (bool onednn : {false, true}) {
            run_once(s, onednn, threads, a, b, c);  // warm-up: first touch, library start-up
            std::vector<double> seconds;
            for (int r = 0; r < repetitions; ++r) seconds.push_back(run_once(s, onednn, threads, a, b, c));
            std::sort(seconds.begin(), seconds.end());
            std::printf("   %s median %6.1f best %6.1f GFLOP/s", onednn ? "dnnl_sgemm" : "openblas",
                        flops / seconds[seconds.size() / 2] / 1e9, flops / seconds.front() / 1e9);
        }
        std::printf("\n");
    }
}
