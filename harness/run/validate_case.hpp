// One case of `convlab validate`: one algorithm x direction x problem x thread
// count, prepared once, its memory checked on that primitive, then checked.
#pragma once

#include <cstdint>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "harness/verify/check.hpp"

namespace convlab {

// SKIPPED with the algorithm's reason when it declines; otherwise the
// checker's copies of the tensors plus the primitive's workspace must fit in
// the memory available (DoesNotFit, an InputError, propagates: `validate`
// refuses the run), then check() on that same primitive. An algorithm that
// throws while preparing or running FAILS with what it threw.
// The whole case runs in the float mode of conditions (FloatModeScope).
Verdict validate_case(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed, int threads,
                      Layout layout = {}, const DataConditions& conditions = {});

}  // namespace convlab
