// Explicit vector lanes for the stride_view kernels (algorithms/stride_view.cpp
// and transforms/stride_view_bwd_w.cpp): both load L consecutive outputs' inputs
// from one row of the window view, so the load, whatever the stride, lives here.
#pragma once

#include <cstdint>
#include <cstring>

namespace convlab {

// L floats in one vector register (the GCC/Clang vector extension; L = 16 is
// one AVX-512 register, L = 8 one AVX register): the kernel says which loop
// is vectorised, along ow, rather than leaving it to the compiler (which,
// left alone, vectorised across output channels with gathered weights).
template <int L>
struct VectorOf;
template <>
struct VectorOf<8> {
    using type = float __attribute__((vector_size(8 * sizeof(float))));
};
template <>
struct VectorOf<16> {
    using type = float __attribute__((vector_size(16 * sizeof(float))));
};
template <int L>
using Lanes = typename VectorOf<L>::type;

// The inputs of L consecutive outputs from one view row: a plain load when
// the stride along ow is 1, two loads and a shuffle when it is 2, gathered
// otherwise. SW is that stride when known at compile time, 0 when only
// `step` knows it.
template <int L, int SW>
Lanes<L> load_view_lanes(const float* row, int64_t step) {
    Lanes<L> v, low, high;
    if constexpr (SW == 1) {
        std::memcpy(&v, row, sizeof v);
    } else if constexpr (SW == 2) {
        // Elements 0, 2, ..., 2L-2: the even lanes of row[0, L) and the odd
        // lanes of row[L-1, 2L-1), so nothing past the last element used is read.
        std::memcpy(&low, row, sizeof low);
        std::memcpy(&high, row + L - 1, sizeof high);
        if constexpr (L == 16)
            v = __builtin_shufflevector(low, high, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27, 29, 31);
        else
            v = __builtin_shufflevector(low, high, 0, 2, 4, 6, 9, 11, 13, 15);
    } else {
        for (int l = 0; l < L; ++l) v[l] = row[l * step];
    }
    return v;
}

}  // namespace convlab
