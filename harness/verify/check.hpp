// Cross-validation of one algorithm on one problem and direction against the
// reference, the way benchdnn does it: fill, poison outputs with NaN, run,
// compare every element, name the worst one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "algorithms/tensor.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/data.hpp"

namespace convlab {

enum class Fill {
    integers,  // small sparse integers: every partial sum exact in fp32
    reals,     // real-valued data of the case's distribution (data.hpp): compared within the algorithm's tolerance
};

// The tensors of one call; which are inputs and which outputs depends on the
// direction (see ConvArgs). Unused ones are empty.
struct ConvTensors {
    Tensor x, w, b, dy;  // inputs
    Tensor y, dx, dw, db;  // outputs: y of fwd, dx of bwd_d, dw and db of bwd_w
};

// Tensors the checker holds at once, counted in copies of one call's tensors
// (the fp32 tensors, their double copies and |copies|, the cached double
// reference and scale of both passes, and in another layout than nchw:oihw
// the permuted expected output and scale): what the memory guard reserves.
inline constexpr int checker_copies = 10;

// Deterministic inputs for `d` from `seed` (Fill::reals drawn from `data`); output tensors allocated.
ConvTensors make_tensors(const Problem& p, Direction d, Fill fill, uint64_t seed, const DataSpec& data = {});

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

// The arguments of one call of `d` over `t`: the one place tensors are bound.
ConvArgs bind(ConvTensors& t, Direction d);

// The outputs of `d` in `t`, named as verdicts name them: y | dx | dw, db.
struct NamedOutput {
    const char* name;
    Tensor* tensor;
};
std::vector<NamedOutput> outputs_of(Direction d, ConvTensors& t);

// Poisons the outputs of `d` with NaN, then runs the primitive as a caller
// with its tensors does (stage_in, execute, stage_out) with a NaN-poisoned
// workspace allocated here.
void run_primitive(const Primitive& primitive, Direction d, ConvTensors& t);

enum class Status { passed, failed, skipped, unsupported };
std::string_view to_string(Status s);  // "PASSED", "FAILED", ...

struct Verdict {
    Status status = Status::passed;
    std::string reason;         // why it was skipped or failed
    std::string worst;          // "dx[0,1,3,2] got 7 expected 8" (tensor, index, got, expected)
    double max_abs_err = 0;     // over both passes and all outputs
    double max_rel_err = 0;     // |got - ref| / sum of |terms| of that element (see check.cpp)
    double max_rel_err_real = 0;  // the same over the real pass alone: the error on the case's distribution
};

// Both passes (integers: exact when the contract says so, else within
// tolerance; reals: within tolerance) against the reference, `run` filling
// the outputs of `d` in the tensors it is given. What `check` does for a
// registered algorithm, open to any code (the Python module's callables).
// `run` is given the tensors in `layout` (layout_tensors.hpp), and the
// outputs are compared in that layout. The real pass draws from
// conditions.data; with conditions.flush_denormals the reference reads
// subnormal inputs as zero (the caller sets the mode on the threads that run,
// float_mode.hpp).
Verdict check_outputs(const Problem& p, Direction d, uint64_t seed, const Contract& contract,
                      const std::function<void(ConvTensors&)>& run, Layout layout = {},
                      const DataConditions& conditions = {});

// The absolute error below which fp32's underflow, not the algorithm, decides
// an element (check.cpp says why): 64 * (reduction length + 1) * 2^-126.
double underflow_floor(const Problem& p, Direction d);

// check_outputs on a primitive the caller prepared for `p` and `d`, judged by
// `contract` (its algorithm's): a case that also times or sizes that
// primitive prepares it once.
Verdict check(const Primitive& primitive, const Contract& contract, const Problem& p, Direction d, uint64_t seed = 1,
              Layout layout = {}, const DataConditions& conditions = {});

// The algorithm prepared for `threads` threads in `layout`, then checked as
// above; SKIPPED with the reason when it declines.
Verdict check(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed = 1, int threads = all_cores(),
              Layout layout = {}, const DataConditions& conditions = {});

}  // namespace convlab
