// db[oc] = sum over images and output positions of dy[n][oc][.][.], one rule
// for every engine that computes it: each plane summed in double into a fixed
// number of independent partial sums (element e into partial e % 32), the
// partials and images added in order. Independent partials vectorise (one
// running sum is a chain of dependent adds, as slow as a 1x1 layer's GEMM);
// the fixed order repeats bit for bit at any thread count; double keeps long
// sums accurate and exact on integer data.
#pragma once

#include "algorithms/problem.hpp"

namespace convlab {

// OpenMP over output channels; call from outside a parallel region.
void bias_gradient(const Problem& p, const float* dy, float* db);
// The same sums, in the same order, of an NHWC dy ([mb][oh][ow][oc]): equal
// bit for bit to bias_gradient on the NCHW copy.
void bias_gradient_nhwc(const Problem& p, const float* dy, float* db);

}  // namespace convlab
