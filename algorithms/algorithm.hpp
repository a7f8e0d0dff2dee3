// The one interface every convolution algorithm implements, split as oneDNN
// splits a primitive descriptor from a primitive:
//
//   Algorithm   identity (name, family, description), correctness contract,
//               properties; prepare(problem, direction, threads) either
//               declines with a reason or returns a Primitive.
//   Primitive   owns the plan built once in prepare(): its workspace size,
//               what it runs, and execute(args), which does the work with the
//               thread count it was prepared for.
//
// The caller allocates workspace_bytes() once, outside any timed loop, and
// nothing is allocated inside a timed call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/layout.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

enum class Direction { fwd, bwd_d, bwd_w };
inline constexpr Direction all_directions[] = {Direction::fwd, Direction::bwd_d, Direction::bwd_w};

std::string_view to_string(Direction d);
// Throws ProblemError naming the text when it is not fwd, bwd_d or bwd_w.
Direction parse_direction(std::string_view text);

// Time spent in the named timing phases of one call (im2col, gemm, col2im,
// ...): timing_phases.hpp.
class TimingPhases;

// Non-owning pointers to the tensors of one call, each in the layout the
// primitive was prepared for (Algorithm::prepare_in; nchw:oihw by prepare). Which are read and which are
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
    std::byte* workspace = nullptr;  // Primitive::workspace_bytes(), 64-byte aligned, contents undefined
    TimingPhases* timing_phases = nullptr;  // optional breakdown; null when not asked for
};

// One algorithm prepared for one problem, direction and thread count.
class Primitive {
public:
    explicit Primitive(int threads) : threads_(threads) {}
    virtual ~Primitive() = default;
    Primitive(const Primitive&) = delete;
    Primitive& operator=(const Primitive&) = delete;

    int threads() const { return threads_; }
    virtual int64_t workspace_bytes() const { return 0; }
    // What actually runs, when the algorithm delegates the choice (oneDNN's
    // impl_info_str, PyTorch's backend) or picks a kernel (the ISA); may be empty.
    virtual std::string implementation() const { return {}; }

    // Work that a network keeping the algorithm's own layouts would not pay
    // on every call (oneDNN's reorders into and out of its blocked layouts):
    // the caller runs stage_in() before and stage_out() after the calls it
    // times, never inside them. Most primitives have none.
    virtual void stage_in(const ConvArgs&) const {}
    virtual void stage_out(const ConvArgs&) const {}

    // Sets the OpenMP and OpenBLAS thread counts to threads(), then run().
    // One thread at a time may execute a primitive.
    void execute(const ConvArgs& args) const;
    // stage_in, execute, stage_out: one whole call as a caller holding plain
    // NCHW tensors sees it (the checker, `convlab run`).
    void execute_staged(const ConvArgs& args) const;

protected:
    virtual void run(const ConvArgs& args) const = 0;

private:
    int threads_;
};

// Either a primitive, or why the algorithm declines the problem.
struct Prepared {
    std::unique_ptr<Primitive> primitive;  // null when declined
    std::string decline_reason;            // "<name>: <why>" when declined, else empty
    explicit operator bool() const { return primitive != nullptr; }
};
Prepared declined(std::string_view name, std::string_view why);  // {nullptr, "name: why"}
template <class P, class... Args>
Prepared prepared(Args&&... args) {
    return {std::make_unique<P>(std::forward<Args>(args)...), {}};
}

// Both sides of the correctness contract the checker holds an algorithm to
// (harness/verify/check.cpp): algorithms exact on small-integer data (every
// partial sum an integer below 2^24) must match the reference bit for bit on
// it; every algorithm stays within `tolerance` on real data, measured as
// |got - ref| divided by the sum of |terms| of the element.
struct Contract {
    bool exact_on_integers = true;
    double tolerance = 1e-5;
    // Mixes neighbouring values before multiplying (Winograd's and FFT's
    // transforms): a NaN or Inf input spreads to more outputs than the
    // reference's, and rounding error is judged against the plane's largest
    // scale. Every other algorithm propagates special values exactly.
    bool mixes_neighbours = false;
};

// What scripts and budgets read instead of names (`convlab list --json`).
struct Properties {
    bool baseline = false;  // an external library, what a user would otherwise call
    bool slow = false;      // loops meant to be read, not timed on large layers (naive, reference)
};

class Algorithm {
public:
    virtual ~Algorithm() = default;

    // The same in its folder, class, the command line, the CSV and Python.
    virtual std::string_view name() const = 0;
    // The idea it implements: "direct", "gemm", "winograd", "fft", "onednn", ...
    virtual std::string_view family() const = 0;
    // One line for `convlab list`.
    virtual std::string_view description() const = 0;
    virtual Contract contract() const { return {}; }
    virtual Properties properties() const { return {}; }

    // Builds the plan for this problem, direction and thread count (threads >= 1),
    // or declines with a reason prefixed by the name:
    // "winograd_f2x3: needs 3x3 kernel, stride 1, no dilation".
    // The tensors are in nchw:oihw (layout.hpp).
    virtual Prepared prepare(const Problem& p, Direction d, int threads) const = 0;

    // The layouts it runs natively, nchw:oihw first: the tensors of every call
    // are in that layout and nothing converts them inside or around the call
    // (docs/layouts.md). Most algorithms run nchw:oihw only.
    virtual std::vector<Layout> layouts() const { return {Layout{}}; }
    // prepare() in `layout`: declined with the reason when the algorithm
    // does not run in it natively (the harness never converts for it).
    Prepared prepare_in(const Problem& p, Direction d, int threads, Layout layout) const;

protected:
    // What prepare_in calls for a layout of layouts() other than nchw:oihw;
    // an algorithm listing another layout overrides it.
    virtual Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const;
};

}  // namespace convlab
