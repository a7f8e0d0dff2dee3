// Refuses a problem whose tensors plus workspace do not fit in the memory
// available, before anything is allocated, with the bytes needed and available.
#pragma once

#include <cstdint>
#include <string_view>

#include "algorithms/algorithm.hpp"
#include "algorithms/errors.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// "problem DESC needs N bytes ... for ALGO DIR, but only A bytes are available".
struct DoesNotFit : InputError {
    using InputError::InputError;
};

// Bytes of the fp32 tensors one call of `d` touches (inputs and outputs), with
// every product checked for 64-bit overflow (std::overflow_error).
int64_t tensor_bytes(const Problem& p, Direction d);

// MemAvailable from /proc/meminfo (bytes); INT64_MAX when it cannot be read.
int64_t available_memory_bytes();

// Throws DoesNotFit when `copies` copies of the tensors (a checker keeps the
// reference's outputs too), plus `workspace_bytes`, exceed the memory
// available. Call it with no workspace before preparing (a plan's sizes are
// only computed for problems whose tensors fit), then with the primitive's.
void ensure_fits_in_memory(const Problem& p, Direction d, std::string_view algorithm, int copies,
                           int64_t workspace_bytes = 0);

}  // namespace convlab
