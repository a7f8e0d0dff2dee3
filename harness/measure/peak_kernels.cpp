#include "harness/measure/peak_kernels.hpp"

#include <immintrin.h>

namespace convlab::peak_kernels {

namespace {
// m just below 1 and a small c keep every chain bounded, away from denormals
// and infinities (which could take a slow path), for any iteration count.
constexpr float multiplier = 0.999999f;
constexpr float addend = 1e-6f;
}  // namespace

__attribute__((target("avx512f"))) float fma_chains_avx512(int64_t iterations) {
    __m512 acc[avx512_chains];
    const __m512 m = _mm512_set1_ps(multiplier), c = _mm512_set1_ps(addend);
    for (int k = 0; k < avx512_chains; ++k) acc[k] = _mm512_set1_ps(float(k));
    for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 24
        for (int k = 0; k < avx512_chains; ++k) acc[k] = _mm512_fmadd_ps(acc[k], m, c);
    }
    for (int k = 1; k < avx512_chains; ++k) acc[0] = _mm512_add_ps(acc[0], acc[k]);
    alignas(64) float lanes[16];  // not _mm512_reduce_add_ps: g++ 12 warns inside it
    _mm512_store_ps(lanes, acc[0]);
    float sum = 0;
    for (float v : lanes) sum += v;
    return sum;
}

__attribute__((target("avx2,fma"))) float fma_chains_avx2(int64_t iterations) {
    __m256 acc[avx2_chains];
    const __m256 m = _mm256_set1_ps(multiplier), c = _mm256_set1_ps(addend);
    for (int k = 0; k < avx2_chains; ++k) acc[k] = _mm256_set1_ps(float(k));
    for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
        for (int k = 0; k < avx2_chains; ++k) acc[k] = _mm256_fmadd_ps(acc[k], m, c);
    }
    for (int k = 1; k < avx2_chains; ++k) acc[0] = _mm256_add_ps(acc[0], acc[k]);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, acc[0]);
    float sum = 0;
    for (float v : lanes) sum += v;
    return sum;
}

float fma_chains_sse(int64_t iterations) {
    __m128 acc[sse_chains];
    const __m128 m = _mm_set1_ps(multiplier), c = _mm_set1_ps(addend);
    for (int k = 0; k < sse_chains; ++k) acc[k] = _mm_set1_ps(float(k));
    for (int64_t i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
        for (int k = 0; k < sse_chains; ++k) acc[k] = _mm_add_ps(_mm_mul_ps(acc[k], m), c);
    }
    for (int k = 1; k < sse_chains; ++k) acc[0] = _mm_add_ps(acc[0], acc[k]);
    alignas(16) float lanes[4];
    _mm_store_ps(lanes, acc[0]);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// The repeat count in the string is adds_per_iteration (checked by the caller
// against the returned value). The addend is a register, not an immediate:
// cores that fold chains of immediate adds at rename (Intel's Golden Cove
// and later) ran `addq $1` several to a cycle, and the probe saw 22 GHz.
uint64_t dependent_adds(int64_t iterations) {
    static_assert(adds_per_iteration == 128);
    uint64_t x = 0;
    const uint64_t one = 1;
    for (int64_t i = 0; i < iterations; ++i) asm volatile(".rept 128\n\taddq %1, %0\n\t.endr" : "+r"(x) : "r"(one));
    return x;
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void triad(float* __restrict a, const float* __restrict b,
                                                                       const float* __restrict c, float s,
                                                                       int64_t n) {
    for (int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
}

}  // namespace convlab::peak_kernels
