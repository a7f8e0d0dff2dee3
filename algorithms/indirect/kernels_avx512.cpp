// The AVX-512 build of the indirect kernels (16 lanes, 32 registers): 8 x 32
// forward tiles (16 accumulators, 2 weight vectors, broadcasts folded into
// the FMAs) and 8 x 32 weight-gradient tiles, compiled for that ISA whatever
// the build's -march, and run only when the CPU has it.
#include <immintrin.h>

// The standard library and convlab code first, compiled for the baseline ISA
// (one copy of each inline function is kept at link time and must run anywhere).
#include <algorithm>
#include <cstdint>

#include "algorithms/indirect/kernel_api.hpp"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")

namespace convlab::indirect {

namespace {

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
    // Keeps a loaded value in a register: the compiler would otherwise fold
    // the load into every FMA that uses it.
    [[gnu::always_inline]] static inline void in_register(reg& v) { asm("" : "+v"(v)); }
    [[gnu::always_inline]] static inline reg set1(float v) { return _mm512_set1_ps(v); }
    [[gnu::always_inline]] static inline reg fma(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
};

}  // namespace

}  // namespace convlab::indirect

#include "algorithms/indirect/kernel_templates.hpp"

namespace convlab::indirect {

Kernels avx512_kernels() { return kernels_of<Avx512, 8, 8>("avx512"); }

}  // namespace convlab::indirect

#pragma GCC pop_options
