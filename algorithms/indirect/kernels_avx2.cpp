// The AVX2 build of the indirect kernels (8 lanes, 16 registers): 6 x 16
// tiles, 12 accumulators + 2 weight (or dy) vectors + 1 broadcast, compiled
// for that ISA whatever the build's -march, and run only when the CPU has it.
#include <immintrin.h>

// The standard library and convlab code first, compiled for the baseline ISA
// (one copy of each inline function is kept at link time and must run anywhere).
#include <algorithm>
#include <cstdint>

#include "algorithms/indirect/kernel_api.hpp"

#pragma GCC push_options
// Under -march=native on an AVX-512 CPU this adds nothing and the compiler
// may use EVEX encodings and 32 registers; the tiles are sized for 16.
#pragma GCC target("avx2,fma")

namespace convlab::indirect {

namespace {

struct Avx2 {
    static constexpr int lanes = 8;
    using reg = __m256;
    [[gnu::always_inline]] static inline reg zero() { return _mm256_setzero_ps(); }
    [[gnu::always_inline]] static inline reg load(const float* p) { return _mm256_loadu_ps(p); }
    [[gnu::always_inline]] static inline void store(float* p, reg v) { _mm256_storeu_ps(p, v); }
    [[gnu::always_inline]] static inline __m256i tail_mask(int64_t n) {
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    // Masked: the lanes past n are neither read nor written (no access past a row's end).
    [[gnu::always_inline]] static inline reg load_tail(const float* p, int64_t n) {
        return _mm256_maskload_ps(p, tail_mask(n));
    }
    [[gnu::always_inline]] static inline void store_tail(float* p, reg v, int64_t n) {
        _mm256_maskstore_ps(p, tail_mask(n), v);
    }
    [[gnu::always_inline]] static inline void in_register(reg& v) { asm("" : "+v"(v)); }
    [[gnu::always_inline]] static inline reg set1(float v) { return _mm256_set1_ps(v); }
    [[gnu::always_inline]] static inline reg fma(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
};

}  // namespace

}  // namespace convlab::indirect

#include "algorithms/indirect/kernel_templates.hpp"

namespace convlab::indirect {

Kernels avx2_kernels() { return kernels_of<Avx2, 6, 6>("avx2"); }

}  // namespace convlab::indirect

#pragma GCC pop_options
