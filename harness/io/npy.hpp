// numpy .npy files: read format 1.0 / 2.0 (and 3.0), little-endian <f4, or <f8
// converted to fp32, C order; write format 1.0 <f4. Anything else is an
// NpyError whose message names the file and what is wrong with it.
#pragma once

#include "algorithms/errors.hpp"

#include <filesystem>
#include <stdexcept>

#include "algorithms/tensor.hpp"

namespace convlab {

struct NpyError : InputError {
    using InputError::InputError;
};

Tensor read_npy(const std::filesystem::path& path);
// Written to a temporary name beside `path` and renamed into place, so an
// interrupted run never leaves a truncated file.
void write_npy(const std::filesystem::path& path, const Tensor& tensor);

}  // namespace convlab
