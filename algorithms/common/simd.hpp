// The SIMD layer of the hand-written kernels compiled for the build's target
// (im2col, stride_view, Winograd's portable transforms): Lanes<L>, L floats in one vector (the
// GCC/Clang vector extension), so a kernel says which loop is vectorised
// rather than leaving it to the compiler, and compiles on any x86-64 target.
//
// The direct engine has a second layer (its vector types V, kernels.hpp;
// the indirect engine and Winograd's transforms use it too) because it
// carries AVX-512, AVX2 and scalar kernels in one binary and picks one at
// run time: each set is compiled under its own `#pragma GCC target`
// with intrinsics, whereas Lanes<L> takes its width from the build's -march.
//
// native_lanes is the width of the machine the build targets: 16 with
// AVX-512 (one zmm), 8 with AVX2 (one ymm), 4 otherwise. Kernels written for
// native_lanes keep to whole registers on both kinds of machine; a 16-lane
// vector on an AVX2 build would be split into pairs of registers (and g++
// warns that returning one changes the ABI). Kernels that need exactly eight
// lanes (Winograd's transforms, whose tiles are eight wide) use Lanes<8>,
// which is one register on AVX2 and half of one on AVX-512.
// vector_registers is how many the ISA has: tiles of accumulators are sized
// from it so that they stay in registers.
#pragma once

#include <cstdint>
#include <cstring>

namespace convlab {

#if defined(__AVX512F__)
inline constexpr int native_lanes = 16;
inline constexpr int vector_registers = 32;
#elif defined(__AVX2__)
inline constexpr int native_lanes = 8;
inline constexpr int vector_registers = 16;
#else
inline constexpr int native_lanes = 4;
inline constexpr int vector_registers = 16;
#endif

template <int L>
struct VectorOf {
    static_assert(L == 4 || L == 8 || L == 16, "vectors of 4, 8 or 16 floats");
    typedef float type __attribute__((vector_size(L * sizeof(float))));
};
template <int L>
using Lanes = typename VectorOf<L>::type;

// Lane indices of an 8-lane shuffle (__builtin_shuffle).
typedef int LaneIndex8 __attribute__((vector_size(32)));

template <int L>
inline Lanes<L> load_lanes(const float* p) {
    Lanes<L> v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <int L>
inline void store_lanes(float* p, Lanes<L> v) {
    std::memcpy(p, &v, sizeof v);
}

// p[S * l] for l < 8 as one 8-lane vector: S contiguous vector loads and
// shuffles (what a strided load compiles to, but producing one register).
// Reads p[0 .. 8 * S - 1].
template <int S>
inline Lanes<8> strided_lanes(const float* p) {
    static_assert(S == 1 || S == 2 || S == 4 || S == 6, "strides of 1, 2, 4 or 6");
    using index = LaneIndex8;
    if constexpr (S == 1) {
        return load_lanes<8>(p);
    } else if constexpr (S == 2) {
        return __builtin_shuffle(load_lanes<8>(p), load_lanes<8>(p + 8), index{0, 2, 4, 6, 8, 10, 12, 14});
    } else if constexpr (S == 6) {
        // Elements 0, 6, 12 | 18, 24, 30 | 36, 42 of three 16-element pairs.
        const Lanes<8> a = __builtin_shuffle(load_lanes<8>(p), load_lanes<8>(p + 8), index{0, 6, 12, 0, 0, 0, 0, 0});
        const Lanes<8> b = __builtin_shuffle(load_lanes<8>(p + 16), load_lanes<8>(p + 24), index{2, 8, 14, 0, 0, 0, 0, 0});
        const Lanes<8> c = __builtin_shuffle(load_lanes<8>(p + 32), load_lanes<8>(p + 40), index{4, 10, 0, 0, 0, 0, 0, 0});
        const Lanes<8> ab = __builtin_shuffle(a, b, index{0, 1, 2, 8, 9, 10, 0, 0});
        return __builtin_shuffle(ab, c, index{0, 1, 2, 3, 4, 5, 8, 9});
    } else {
        const index quarter{0, 4, 8, 12, 0, 4, 8, 12};
        const Lanes<8> low = __builtin_shuffle(load_lanes<8>(p), load_lanes<8>(p + 8), quarter);
        const Lanes<8> high = __builtin_shuffle(load_lanes<8>(p + 16), load_lanes<8>(p + 24), quarter);
        return __builtin_shuffle(low, high, index{0, 1, 2, 3, 8, 9, 10, 11});
    }
}

// row[l * step] for l < L, reading nothing past the last element used: a
// plain load when the stride SW is 1; for SW 2 the even lanes of row[0, L)
// and the odd lanes of row[L - 1, 2L - 1); gathered when SW is 0 (known only
// at run time, as `step`).
template <int L, int SW>
inline Lanes<L> load_strided_row(const float* row, int64_t step) {
    if constexpr (SW == 1) {
        return load_lanes<L>(row);
    } else if constexpr (SW == 2) {
        const Lanes<L> low = load_lanes<L>(row), high = load_lanes<L>(row + L - 1);
        if constexpr (L == 16)
            return __builtin_shufflevector(low, high, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
        else if constexpr (L == 8)
            return __builtin_shufflevector(low, high, 0, 2, 4, 6, 9, 11, 13, 15);
        else
            return __builtin_shufflevector(low, high, 0, 2, 5, 7);
    } else {
        Lanes<L> v;
        for (int l = 0; l < L; ++l) v[l] = row[l * step];
        return v;
    }
}

}  // namespace convlab
