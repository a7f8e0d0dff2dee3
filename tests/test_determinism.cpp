// Repeating a run at the same thread count gives bit-identical outputs; at
// another thread count the results stay within the algorithm's tolerance.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/check.hpp"
#include "tests/presets.hpp"

using namespace convlab;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), size_t(a.size()) * sizeof(float)) == 0;
}

bool same_outputs(Direction d, const ConvTensors& a, const ConvTensors& b) {
    if (d == Direction::fwd) return same_bits(a.y, b.y);
    if (d == Direction::bwd_d) return same_bits(a.x, b.x);
    return same_bits(a.w, b.w) && same_bits(a.b, b.b);
}

// Big enough that every algorithm splits its work between threads.
const std::vector<std::string> threaded_problems = {
    "mb4ic16ih14oc24kh3ph1n\"threaded_3x3\"",
    "mb3ic32ih9iw13oc16kh1kw1sh2sw2n\"threaded_1x1_stride2\"",
    "g4mb2ic16ih11oc8kh3sh2ph1dh1n\"threaded_grouped_dilated\"",
};

}  // namespace

TEST_CASE("a repeated run at the same thread count is bit-identical", "[determinism]") {
    const Problem p = Problem::parse(GENERATE(from_range(threaded_problems)));
    const int threads = max_threads();
    set_threads(2);
    for (const auto& algorithm : registry()) {
        for (Direction d : all_directions) {
            if (!algorithm->decline_reason(p, d).empty()) continue;
            INFO(algorithm->name() << " " << to_string(d) << " " << p.str());
            ConvTensors first = make_tensors(p, d, Fill::reals, 3), second = make_tensors(p, d, Fill::reals, 3);
            run_algorithm(*algorithm, p, d, first);
            run_algorithm(*algorithm, p, d, second);
            CHECK(same_outputs(d, first, second));
        }
    }
    set_threads(threads);
}

TEST_CASE("results at 1 and 2 threads are both within tolerance of the reference", "[determinism]") {
    const Problem p = Problem::parse(GENERATE(from_range(threaded_problems)));
    const int threads = max_threads();
    for (int n : {1, 2}) {
        set_threads(n);
        for (const auto& algorithm : registry()) {
            for (Direction d : all_directions) {
                const Verdict v = check(*algorithm, p, d, 11);
                INFO(algorithm->name() << " " << to_string(d) << " threads " << n << " " << p.str() << ": " << v.reason
                                       << " " << v.worst);
                CHECK(v.status != Status::failed);
            }
        }
    }
    set_threads(threads);
}
