// Short forms for tests of one algorithm: prepare, then ask or run.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/tensor.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/check.hpp"

namespace convlab::testing {

// The registered algorithm of that name; std::logic_error when there is none.
inline const Algorithm& registered(std::string_view name) {
    const Algorithm* algorithm = find_algorithm(name);
    if (!algorithm) throw std::logic_error("no algorithm named " + std::string(name) + " in the registry");
    return *algorithm;
}

// Empty when the algorithm runs the problem, else its reason. The default
// thread count is run_algorithm's and check()'s: a decline may depend on it
// (libxsmm declines some weight updates only when mb equals the threads).
inline std::string decline_reason(const Algorithm& a, const Problem& p, Direction d, int threads = all_cores()) {
    return a.prepare(p, d, threads).decline_reason;
}

inline int64_t workspace_bytes(const Algorithm& a, const Problem& p, Direction d, int threads = all_cores()) {
    const Prepared prepared = a.prepare(p, d, threads);
    return prepared ? prepared.primitive->workspace_bytes() : 0;
}

// Prepared for `threads`, then run as the checker runs it (outputs and
// workspace poisoned first). Throws std::logic_error when it declines.
inline void run_algorithm(const Algorithm& a, const Problem& p, Direction d, ConvTensors& t,
                          int threads = all_cores()) {
    const Prepared prepared = a.prepare(p, d, threads);
    if (!prepared) throw std::logic_error("declined: " + prepared.decline_reason);
    run_primitive(*prepared.primitive, d, t);
}

// Runs the primitive with a workspace of exactly workspace_bytes() followed
// by a guard band; false when the guard band was touched.
inline bool runs_within_workspace(const Primitive& primitive, Direction d, ConvTensors& t) {
    const int64_t bytes = primitive.workspace_bytes(), guard = 4096;
    auto storage = aligned_floats((bytes + guard) / 4 + 1);
    auto* ws = reinterpret_cast<std::byte*>(storage.get());
    std::fill(ws + bytes, ws + bytes + guard, std::byte{0x5a});
    ConvArgs args = bind(t, d);
    args.workspace = bytes > 0 ? ws : nullptr;
    primitive.execute_staged(args);
    for (int64_t i = 0; i < guard; ++i)
        if (ws[bytes + i] != std::byte{0x5a}) return false;
    return true;
}

}  // namespace convlab::testing
