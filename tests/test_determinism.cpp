// Repeating a run at the same thread count gives bit-identical outputs; at
// another thread count the results stay within the algorithm's tolerance.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/check.hpp"
#include "tests/presets.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

bool same_bits(const Tensor& a, const Tensor& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), size_t(a.size()) * sizeof(float)) == 0;
}

bool same_outputs(Direction d, const ConvTensors& a, const ConvTensors& b) {
    if (d == Direction::fwd) return same_bits(a.y, b.y);
    if (d == Direction::bwd_d) return same_bits(a.dx, b.dx);
    return same_bits(a.dw, b.dw) && same_bits(a.db, b.db);
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
    for (const auto& algorithm : registry()) {
        for (Direction d : all_directions) {
            if (!testing::decline_reason(*algorithm, p, d).empty()) continue;
            INFO(algorithm->name() << " " << to_string(d) << " " << p.str());
            ConvTensors first = make_tensors(p, d, Fill::reals, 3), second = make_tensors(p, d, Fill::reals, 3);
            testing::run_algorithm(*algorithm, p, d, first, 2);
            testing::run_algorithm(*algorithm, p, d, second, 2);
            CHECK(same_outputs(d, first, second));
        }
    }
}

TEST_CASE("results at 1 and 2 threads are both within tolerance of the reference", "[determinism]") {
    const Problem p = Problem::parse(GENERATE(from_range(threaded_problems)));
    for (int n : {1, 2}) {
        for (const auto& algorithm : registry()) {
            for (Direction d : all_directions) {
                const Verdict v = check(*algorithm, p, d, 11, n);
                INFO(algorithm->name() << " " << to_string(d) << " threads " << n << " " << p.str() << ": " << v.reason
                                       << " " << v.worst);
                CHECK(v.status != Status::failed);
            }
        }
    }
}
