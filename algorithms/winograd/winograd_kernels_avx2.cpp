// The AVX2 build of the Winograd kernels: one ymm holds a lane group of 8
// tiles of one channel (or 8 filters), compiled for that ISA whatever the
// build's -march, and run only when the CPU has it.
#include <immintrin.h>

// The standard library and convlab code first, compiled for the baseline ISA
// (one copy of each inline function is kept at link time and must run anywhere).
#include <cstdint>
#include <string_view>

#include "algorithms/common/simd.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_kernels.hpp"

#pragma GCC push_options
// Under -march=native on an AVX-512 CPU this adds nothing and the compiler
// may use EVEX encodings and 32 registers.
#pragma GCC target("avx2,fma")

#include "algorithms/direct/vector_avx2.hpp"

namespace convlab {

namespace {

// The direct kernels' ymm (direct/vector_avx2.hpp).
struct WinogradAvx2 : direct::Avx2 {
    static constexpr int channels = 1;
    [[gnu::always_inline]] static inline reg join(const Lanes<8>* parts) { return __m256(parts[0]); }
    [[gnu::always_inline]] static inline reg load_parts(const float* p, int64_t) { return _mm256_loadu_ps(p); }
    [[gnu::always_inline]] static inline void store_parts(float* p, int64_t, reg v) { _mm256_storeu_ps(p, v); }
    [[gnu::always_inline]] static inline reg gather(const float* p, int64_t stride) {
        const __m256i index = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(int(stride)));
        // The masked form: g++ 12's unmasked one starts from an uninitialised register and warns.
        return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, index, _mm256_castsi256_ps(_mm256_set1_epi32(-1)),
                                        sizeof(float));
    }
};

}  // namespace

}  // namespace convlab

#include "algorithms/winograd/winograd_kernel_templates.hpp"

namespace convlab {

template <class Tile>
WinogradKernels winograd_kernels_avx2() {
    return kernels_of<WinogradAvx2, Tile>("avx2");
}

template WinogradKernels winograd_kernels_avx2<TileF2x3>();
template WinogradKernels winograd_kernels_avx2<TileF4x3>();
template WinogradKernels winograd_kernels_avx2<TileF6x3>();

}  // namespace convlab

#pragma GCC pop_options
