// Double-precision, one-lane Winograd forms over whole tiles, and the plain
// correlations they must equal: what the tests hold the matrices of
// winograd.hpp to. The engines transform in float (winograd_conv.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/winograd/winograd.hpp"

namespace convlab::testing {

// 1-D Winograd correlation of d (alpha) with g (3): m outputs.
template <class Tile>
std::vector<double> winograd_correlate_1d(const std::vector<double>& d, const std::vector<double>& g);
// 2-D: d is alpha x alpha, g is 3 x 3 (row-major); m x m outputs.
template <class Tile>
std::vector<double> winograd_correlate_2d(const std::vector<double>& d, const std::vector<double>& g);
// G g G^T of a row-major 3 x 3 filter: alpha x alpha, row-major.
template <class Tile>
std::vector<double> filter_transform_2d(const std::vector<double>& g);

// The plain correlations the Winograd forms must equal:
// y[i] = sum_k d[i + k] g[k], with out = |d| - |g| + 1 (per axis in 2-D).
std::vector<double> plain_correlate_1d(const std::vector<double>& d, const std::vector<double>& g);
std::vector<double> plain_correlate_2d(const std::vector<double>& d, int64_t d_size, const std::vector<double>& g,
                                       int64_t g_size);

}  // namespace convlab::testing
