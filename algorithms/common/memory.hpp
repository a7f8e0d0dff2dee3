// Sizes of workspace regions, once for every engine: each region starts on a
// 64-byte boundary (a cache line, an AVX-512 register), so sizes are rounded up.
#pragma once

#include <cstdint>

namespace convlab {

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }
inline int64_t align64(int64_t bytes) { return round_up(bytes, 64); }
inline int64_t aligned_float_bytes(int64_t floats) { return align64(floats * int64_t(sizeof(float))); }

}  // namespace convlab
