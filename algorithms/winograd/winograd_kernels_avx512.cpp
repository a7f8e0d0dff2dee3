// The AVX-512 build of the Winograd kernels: one zmm holds a lane group of 8
// tiles of two channels (or 16 filters), compiled for that ISA whatever the
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
#pragma GCC target("avx512f,avx512vl,avx512bw,avx512dq,fma")

#include "algorithms/direct/vector_avx512.hpp"

namespace convlab {

namespace {

// The direct kernels' zmm (direct/vector_avx512.hpp), its lower half the
// first channel's 8 tiles and its upper half the second's.
struct WinogradAvx512 : direct::Avx512 {
    static constexpr int channels = 2;
    // Two halves into one zmm and back by vector shuffles: g++ 12's casts
    // between 256 and 512 bits (and its unmasked gather) start from an
    // uninitialised register and warn.
    [[gnu::always_inline]] static inline reg join(const Lanes<8>* parts) {
        return __builtin_shufflevector(parts[0], parts[1], 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }
    [[gnu::always_inline]] static inline reg load_parts(const float* p, int64_t stride) {
        const Lanes<8> parts[2] = {load_lanes<8>(p), load_lanes<8>(p + stride)};
        return join(parts);
    }
    [[gnu::always_inline]] static inline void store_parts(float* p, int64_t stride, reg v) {
        store_lanes<8>(p, __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7));
        store_lanes<8>(p + stride, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
    }
    [[gnu::always_inline]] static inline reg gather(const float* p, int64_t stride) {
        const __m512i index =
            _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                               _mm512_set1_epi32(int(stride)));
        return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), __mmask16(0xffff), index, p, sizeof(float));
    }
};

}  // namespace

}  // namespace convlab

#include "algorithms/winograd/winograd_kernel_templates.hpp"

namespace convlab {

template <class Tile>
WinogradKernels winograd_kernels_avx512() {
    return kernels_of<WinogradAvx512, Tile>("avx512");
}

template WinogradKernels winograd_kernels_avx512<TileF2x3>();
template WinogradKernels winograd_kernels_avx512<TileF4x3>();
template WinogradKernels winograd_kernels_avx512<TileF6x3>();

}  // namespace convlab

#pragma GCC pop_options
