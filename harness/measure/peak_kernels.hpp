// The loops the peak probe times (peak.cpp times them and turns them into
// figures). Each ISA's kernel is compiled for its ISA with a function-level
// target attribute, so one binary carries them all and peak.cpp picks one at
// run time from what cpuinfo says the CPU has: a build without -march=native
// measures AVX-512 where there is AVX-512 and still runs on an AVX2-only CPU.
#pragma once

#include <cstdint>

namespace convlab::peak_kernels {

// Independent accumulator chains per kernel: enough to cover FMA latency x
// FMA issue width (4 cycles x 2 pipes = 8 in flight on Zen 3/4 and recent
// Intel) with room to spare, and few enough to stay in registers with the two
// constants (32 zmm registers with AVX-512, 16 xmm/ymm otherwise).
inline constexpr int avx512_chains = 24;
inline constexpr int avx2_chains = 12;
inline constexpr int sse_chains = 12;

// `iterations` steps of acc = acc * m + c on every chain (one FMA; on SSE, a
// multiply and an add: the same 2 FLOPs per lane). Returns the sum of the
// accumulators so the work cannot be dropped.
float fma_chains_avx512(int64_t iterations);  // 16 lanes
float fma_chains_avx2(int64_t iterations);    // 8 lanes, needs AVX2 and FMA3
float fma_chains_sse(int64_t iterations);     // 4 lanes, mul + add

// `iterations` x adds_per_iteration dependent 1-cycle integer adds on one
// register (the loop counter runs beside them on another ALU), so the count of
// adds per second is the core's clock. Returns the final value of the register:
// iterations x adds_per_iteration.
inline constexpr int adds_per_iteration = 128;
uint64_t dependent_adds(int64_t iterations);

// STREAM's triad a[i] = b[i] + s * c[i], vectorised for the widest ISA
// present (cloned per ISA, chosen at load time).
void triad(float* a, const float* b, const float* c, float s, int64_t n);

}  // namespace convlab::peak_kernels
