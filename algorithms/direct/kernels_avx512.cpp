// The AVX-512 build of the direct kernels (16 lanes, 32 registers), compiled
// for that ISA whatever the build's -march, and run only when the CPU has it.
#include <immintrin.h>

#include "algorithms/direct/isa_headers.hpp"

#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")

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
    [[gnu::always_inline]] static inline float hsum(reg v) { return _mm512_reduce_add_ps(v); }
    // Keeps a loaded value in a register: the compiler would otherwise fold
    // the load into every FMA that uses it, one load per FMA.
    [[gnu::always_inline]] static inline void in_register(reg& v) { asm("" : "+v"(v)); }
    [[gnu::always_inline]] static inline reg set1(float v) { return _mm512_set1_ps(v); }
    [[gnu::always_inline]] static inline reg fma(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
};

}  // namespace convlab::direct

#include "algorithms/direct/engine.hpp"
#include "algorithms/direct/kernels.hpp"

namespace convlab::direct {

void run_avx512(const Plan& plan, const ConvArgs& args, Stage stage) { run_plan<Avx512>(plan, args, stage); }

}  // namespace convlab::direct

#pragma GCC pop_options
