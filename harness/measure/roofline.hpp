// Where a row stands against the machine: the roofline model.
//
// A direct convolution must at least read its inputs once and write its
// outputs once (4-byte floats); its arithmetic intensity is the useful FLOPs
// (Problem::useful_flops(): taps inside the input, the same for every
// direction) over those bytes. Useful, not nominal: the intensity places a row
// against the machine, and padding taps are arithmetic no method has to do.
// The attainable rate is min(peak, intensity x bandwidth), and a problem is
// compute-bound when the memory roof is at or above the compute roof.
// Compulsory traffic is a lower bound: an algorithm that moves more (im2col's
// column matrix, Winograd's tiles) sits below its roof, which is the point.
#pragma once

#include <string_view>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// Bytes read and written once each:
//   fwd:   x, w, b read,  y written
//   bwd_d: dy, w read,    dx written
//   bwd_w: x, dy read,    dw, db written
double compulsory_bytes(const Problem& p, Direction d);
// Useful FLOP per byte; throws std::invalid_argument for a problem with no elements.
double arithmetic_intensity(const Problem& p, Direction d);
// min(peak, ai x bandwidth) in GFLOP/s, from GFLOP/s and GB/s (1e9 bytes/s).
// Throws std::invalid_argument on a negative or NaN argument.
double attainable_gflops(double arithmetic_intensity, double peak_gflops, double bandwidth_gb_s);
// "compute" when ai x bandwidth >= peak, else "memory".
std::string_view roofline_bound(double arithmetic_intensity, double peak_gflops, double bandwidth_gb_s);

}  // namespace convlab
