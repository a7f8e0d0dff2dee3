// The Avx2 register type of the direct and indirect kernels (8 lanes): loads,
// stores, masked tails, broadcasts, FMAs. Include it only after
// `#pragma GCC target("avx2,fma")`, as kernels_avx2.cpp files do: its
// functions are compiled for that ISA and run only where the CPU has it.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace convlab::direct {

struct Avx2 {
    static constexpr int lanes = 8;
    using reg = __m256;
    [[gnu::always_inline]] static inline reg zero() { return _mm256_setzero_ps(); }
    [[gnu::always_inline]] static inline reg load(const float* p) { return _mm256_loadu_ps(p); }
    [[gnu::always_inline]] static inline void store(float* p, reg v) { _mm256_storeu_ps(p, v); }
    [[gnu::always_inline]] static inline __m256i tail_mask(int64_t n) {
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    }
    [[gnu::always_inline]] static inline reg load_tail(const float* p, int64_t n) {
        return _mm256_maskload_ps(p, tail_mask(n));
    }
    [[gnu::always_inline]] static inline void store_tail(float* p, reg v, int64_t n) {
        _mm256_maskstore_ps(p, tail_mask(n), v);
    }
    [[gnu::always_inline]] static inline float hsum(reg v) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
    }
    // Keeps a loaded value in a register: the compiler would otherwise fold
    // the load into every FMA that uses it, one load per FMA.
    [[gnu::always_inline]] static inline void in_register(reg& v) { asm("" : "+v"(v)); }
    [[gnu::always_inline]] static inline reg set1(float v) { return _mm256_set1_ps(v); }
    [[gnu::always_inline]] static inline reg fma(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
};

}  // namespace convlab::direct
