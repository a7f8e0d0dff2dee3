// Refuses a problem whose tensors plus workspace do not fit in the memory
// available, before anything is allocated, with the bytes needed and available.
#pragma once

#include <cstdint>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// Bytes of the fp32 tensors one call of `d` touches (inputs and outputs), with
// every product checked for 64-bit overflow (std::overflow_error).
int64_t tensor_bytes(const Problem& p, Direction d);

// MemAvailable from /proc/meminfo (bytes); INT64_MAX when it cannot be read.
int64_t available_memory_bytes();

// Throws UsageError "problem DESC needs N bytes (tensors T + workspace W) for
// ALGO DIR, but only A bytes are available" when the call cannot fit. `copies`
// counts tensors held at once (a checker keeps the reference's outputs too).
// The tensors are checked first, so workspace_bytes() is only asked of
// problems whose tensors fit.
void ensure_fits_in_memory(const Algorithm& algorithm, const Problem& p, Direction d, int copies = 1);

}  // namespace convlab
