// The one interface every convolution algorithm implements.
//
// An algorithm has a name (the same in its file, its class, the command line
// and the CSV). For each direction and problem it either runs or declines with
// a reason. It states the workspace it needs; the caller allocates that once,
// outside any timed loop, and nothing is allocated inside a timed call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "algorithms/problem.hpp"

namespace convlab {

enum class Direction { fwd, bwd_d, bwd_w };
inline constexpr Direction all_directions[] = {Direction::fwd, Direction::bwd_d, Direction::bwd_w};

std::string_view to_string(Direction d);
// Throws std::invalid_argument naming the text when it is not fwd, bwd_d or bwd_w.
Direction parse_direction(std::string_view text);

// Time spent in the named phases of one call (im2col, gemm, col2im, ...).
// Algorithms with phases add to it when the caller passes one; summed over
// threads when phases run in parallel.
class PhaseTimes;

// Non-owning pointers to the tensors of one call. Which are read and which are
// written depends on the direction:
//   fwd:   reads x, w, b (b may be null: no bias)   writes y
//   bwd_d: reads dy, w                              writes dx
//   bwd_w: reads x, dy                              writes dw, db (db may be null)
// Every output element is written (outputs are poisoned with NaN by the checker).
struct ConvArgs {
    const float* x = nullptr;
    const float* w = nullptr;
    const float* b = nullptr;
    const float* dy = nullptr;
    float* y = nullptr;
    float* dx = nullptr;
    float* dw = nullptr;
    float* db = nullptr;
    std::byte* workspace = nullptr;  // workspace_bytes(problem, direction), 64-byte aligned
    PhaseTimes* phases = nullptr;    // optional breakdown; null when not asked for
};

// One algorithm prepared for one problem and direction: whatever can be done
// before the timed call (oneDNN's primitive creation) is done in prepare().
class Primitive {
public:
    virtual ~Primitive() = default;
    virtual void execute(const ConvArgs& args) const = 0;
    // What actually runs, when the algorithm delegates the choice (oneDNN's
    // impl_info_str); empty otherwise.
    virtual std::string implementation() const { return {}; }
};

class Algorithm {
public:
    virtual ~Algorithm() = default;

    virtual std::string_view name() const = 0;
    // One line for `convlab list`.
    virtual std::string_view description() const = 0;

    // Empty when the algorithm runs this problem in this direction, else why not,
    // prefixed with the name: "winograd_f2x3: needs 3x3 kernel, stride 1, no dilation".
    virtual std::string decline_reason(const Problem& p, Direction d) const = 0;
    virtual int64_t workspace_bytes(const Problem& p, Direction d) const { (void)p, (void)d; return 0; }

    // Both sides of the correctness contract. Algorithms whose arithmetic is
    // exact on small-integer data (every partial sum an integer below 2^24)
    // must match the reference exactly on it; every algorithm must stay within
    // tolerance() on real-valued data. tolerance() bounds |got - ref| divided by
    // the sum of |terms| that make up the element (see harness/compare.hpp).
    virtual bool exact_on_integers() const { return true; }
    virtual double tolerance() const { return 1e-5; }
    // Whether the algorithm mixes neighbouring values before multiplying
    // (Winograd's tile transforms), so that a NaN or Inf input spreads to more
    // outputs than the reference's: to every output of the tiles it touches.
    // Every other algorithm propagates special values exactly as the reference.
    virtual bool mixes_neighbours() const { return false; }

    // The default prepare() returns a primitive that calls run(); algorithms
    // with real set-up work (oneDNN) override it.
    virtual std::unique_ptr<Primitive> prepare(const Problem& p, Direction d) const;

    // Runs one direction. Only called when decline_reason() is empty.
    virtual void run(const Problem& p, Direction d, const ConvArgs& args) const = 0;
};

}  // namespace convlab
