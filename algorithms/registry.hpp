// The one ordered list of algorithms (oneDNN's cpu_convolution_list.cpp idea,
// without its macros): the order of `convlab list`, of validation and of the
// benchmark; the reference comes last.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "algorithms/algorithm.hpp"

namespace convlab {

const std::vector<std::unique_ptr<Algorithm>>& registry();
// Null when no algorithm has that name.
const Algorithm* find_algorithm(std::string_view name);
const Algorithm& reference_algorithm();

}  // namespace convlab
