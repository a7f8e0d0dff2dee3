// The layer class of a problem: the one rule every report groups layers by
// (the CSV's layer_class column, `convlab pick`'s cost model, the class
// tables of SUMMARY.md, Python's Problem.layer_class()).
#pragma once

#include <string>

#include "algorithms/problem.hpp"

namespace convlab {

// "depthwise" (g = ic = oc > 1), "1x1_s1", "1x1_s2", "3x3_s1", "3x3_s2",
// "7x7_stem" (7x7 on at most 4 input channels: an image's first layer),
// "large_kernel" (a square side >= 5 otherwise), "other" (grouped, dilated,
// rectangular, unequal or other strides).
std::string layer_class(const Problem& p);

}  // namespace convlab
