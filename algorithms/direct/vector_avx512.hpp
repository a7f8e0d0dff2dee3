// The Avx512 register type of the direct and indirect kernels (16 lanes): loads,
// stores, masked tails, broadcasts, FMAs. Include it only after
// `#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")`, as kernels_avx512.cpp files do: its
// functions are compiled for that ISA and run only where the CPU has it.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace convlab::direct {

struct Avx512 {
    static constexpr int lanes = 16;
    using reg = __m512;
    [[gnu::always_inline]] static inline reg zero() { return _mm512_setzero_ps(); }
    [[gnu::always_inline]] static inline reg load(const float* p) { return _mm512_loadu_ps(p); }
    [[gnu::always_inline]] static inline void store(float* p, reg v) { _mm512_storeu_ps(p, v); }
    [[gnu::always_inline]] static inline reg load_tail(const float* p, int64_t n) {
        return _mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p);
    }
    [[gnu::always_inline]] static inline void store_tail(float* p, reg v, int64_t n) {
        _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), v);
    }
    // _mm512_reduce_add_ps's sums in its order (halves, quarters, pairs), written
    // out: g++ 12's own (and its 512-to-256 cast) start from an uninitialised
    // register and warn.
    [[gnu::always_inline]] static inline float hsum(reg v) {
        const __m256 halves = _mm256_add_ps(_mm512_extractf32x8_ps(v, 1), _mm512_extractf32x8_ps(v, 0));
        const __m128 quarters = _mm_add_ps(_mm256_extractf128_ps(halves, 1), _mm256_castps256_ps128(halves));
        const __m128 pairs = _mm_add_ps(quarters, _mm_movehl_ps(quarters, quarters));
        return _mm_cvtss_f32(pairs) + _mm_cvtss_f32(_mm_shuffle_ps(pairs, pairs, 1));
    }
    // Keeps a loaded value in a register: the compiler would otherwise fold
    // the load into every FMA that uses it, one load per FMA.
    [[gnu::always_inline]] static inline void in_register(reg& v) { asm("" : "+v"(v)); }
    [[gnu::always_inline]] static inline reg set1(float v) { return _mm512_set1_ps(v); }
    [[gnu::always_inline]] static inline reg fma(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
};

}  // namespace convlab::direct
