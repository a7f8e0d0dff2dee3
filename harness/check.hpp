// Cross-validation of one algorithm on one problem and direction against the
// reference, the way benchdnn does it: fill, poison outputs with NaN, run,
// compare every element, name the worst one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "algorithms/tensor.hpp"

namespace convlab {

enum class Fill {
    integers,  // small sparse integers: every partial sum exact in fp32
    reals,     // real-valued uniform data: compared within the algorithm's tolerance
};

// The tensors of one call; which are inputs and which outputs depends on the
// direction (see ConvArgs). Unused ones are empty.
struct ConvTensors {
    Tensor x, w, b, dy;  // inputs (x is the output dx of bwd_d, w and b the outputs dw, db of bwd_w)
    Tensor y;            // output of fwd
};

// Deterministic inputs for `d` from `seed`; output tensors allocated.
ConvTensors make_tensors(const Problem& p, Direction d, Fill fill, uint64_t seed);

// How Fill::integers fills the inputs of one direction, so the bound on every
// sum can be checked from the parameters alone: every input value is an
// integer in [-magnitude, magnitude]; in the sparse operand (w for fwd and
// bwd_d, dy for bwd_w) only one value in `period` along any reduction may be
// nonzero, so no output element is a sum of more than max_nonzero_terms()
// nonzero products.
struct IntegerFill {
    int64_t reduction_length = 1;  // ic/g*kh*kw (fwd), oc/g*kh*kw (bwd_d), mb*oh*ow (bwd_w)
    int64_t magnitude = 1;
    int64_t period = 1;
    int64_t max_nonzero_terms() const { return (reduction_length + period - 1) / period; }
    // Bound on |partial sum| and on the sum of |terms| of any output element
    // (the fwd bias included): magnitude^2 * max_nonzero_terms + magnitude.
    int64_t max_abs_sum() const { return magnitude * magnitude * max_nonzero_terms() + magnitude; }
};
IntegerFill integer_fill(const Problem& p, Direction d);

// Poisons the outputs of `d` with NaN, then runs `algorithm` (prepare + execute,
// workspace allocated here).
void run_algorithm(const Algorithm& algorithm, const Problem& p, Direction d, ConvTensors& t);

enum class Status { passed, failed, skipped, unsupported };
std::string_view to_string(Status s);  // "PASSED", "FAILED", ...

struct Verdict {
    Status status = Status::passed;
    std::string reason;         // why it was skipped or failed
    std::string worst;          // "dx[0,1,3,2] got 7 expected 8" (tensor, index, got, expected)
    double max_abs_err = 0;     // over both passes and all outputs
    double max_rel_err = 0;     // |got - ref| / sum of |terms| of that element (see check.cpp)
};

// Both passes (integers: exact when algorithm.exact_on_integers(), else within
// tolerance; reals: within tolerance) against the reference.
Verdict check(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed = 1);

}  // namespace convlab
