// Eight float lanes (one AVX2 register; what g++ picks on AVX-512 machines
// too), through GCC's vector extensions so they compile on any x86-64
// target: whole-vector loads and stores, and strided loads built from
// contiguous loads and shuffles. Shared by the Winograd tile transforms and
// the stride-2 paths of im2col / col2im.
#pragma once

namespace convlab {

typedef float lane_vector __attribute__((vector_size(32)));
typedef int lane_index __attribute__((vector_size(32)));
inline constexpr int lane_count = 8;

inline lane_vector load_lanes(const float* p) {
    lane_vector v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

inline void store_lanes(float* p, lane_vector v) { __builtin_memcpy(p, &v, sizeof v); }

// p[S * l] for l < 8 as one vector: S contiguous vector loads and shuffles
// (what a strided load compiles to, but producing one register). Reads
// p[0 .. 8 * S - 1].
template <int S>
inline lane_vector strided_lanes(const float* p) {
    static_assert(S == 1 || S == 2 || S == 4, "strides of 1, 2 or 4");
    if constexpr (S == 1) {
        return load_lanes(p);
    } else if constexpr (S == 2) {
        return __builtin_shuffle(load_lanes(p), load_lanes(p + 8), lane_index{0, 2, 4, 6, 8, 10, 12, 14});
    } else {
        const lane_index quarter{0, 4, 8, 12, 0, 4, 8, 12};
        const lane_vector low = __builtin_shuffle(load_lanes(p), load_lanes(p + 8), quarter);
        const lane_vector high = __builtin_shuffle(load_lanes(p + 16), load_lanes(p + 24), quarter);
        return __builtin_shuffle(low, high, lane_index{0, 1, 2, 3, 8, 9, 10, 11});
    }
}

}  // namespace convlab
