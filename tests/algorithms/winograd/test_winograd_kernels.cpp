// The Winograd transforms on every ISA path of this CPU (CONVLAB_ISA forced:
// AVX-512's two channels per zmm, AVX2's ymm, the portable vectors): each
// tile size in every direction against the double reference, on the
// Winograd test problems (edges, groups, odd channel counts that leave the
// second channel of a pair or a partial filter call) and the every-ISA sweep
// (presets, 60 random problems; the ones that are not 3x3 stride 1 must
// decline). And the primitives say which kernels they run.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "algorithms/machine.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"
#include "tests/algorithms/winograd/winograd_test_cases.hpp"
#include "tests/forced_isa.hpp"

using namespace convlab;
using namespace convlab::testing;

namespace {

constexpr const char* tiles[] = {"winograd_f2x3", "winograd_f4x3", "winograd_f6x3"};

// Every tile, every direction; a problem a Winograd tile cannot run must be
// declined for that reason, not run.
void check_every_tile(const Problem& p, int threads) {
    for (const char* name : tiles) {
        const Algorithm& algorithm = registered(name);
        for (Direction d : all_directions) {
            INFO(name << " " << to_string(d) << " " << p.str() << " " << threads << " threads");
            const std::string declined = decline_reason(algorithm, p, d, threads);
            if (!declined.empty()) {
                CHECK(declined == std::string(name) + ": needs 3x3 kernel, stride 1, no dilation");
                continue;
            }
            const Verdict v = check(algorithm, p, d, 5, threads);
            INFO(v.reason << " worst: " << v.worst << " max rel " << v.max_rel_err);
            CHECK(v.status == Status::passed);
        }
    }
}

}  // namespace

TEST_CASE("Winograd matches the reference on every ISA of this CPU", "[winograd]") {
    std::vector<const char*> chosen;
    for (const std::string& d : winograd_problems) chosen.push_back(d.c_str());
    check_on_every_isa(chosen, 2026, [](const Problem& p) { check_every_tile(p, 2); });
}

TEST_CASE("Winograd on every ISA with one thread", "[winograd]") {
    for (Isa isa : isas_of_this_cpu()) {
        ForcedIsa forced(isa);
        INFO("CONVLAB_ISA=" << to_string(isa));
        for (const std::string& d : winograd_problems) check_every_tile(Problem::parse(d), 1);
    }
}

TEST_CASE("Winograd reports the ISA of its transforms", "[winograd]") {
    const Problem p = Problem::parse("mb1ic16ih6oc16kh3ph1");
    for (Isa isa : isas_of_this_cpu()) {
        ForcedIsa forced(isa);
        for (const char* name : tiles)
            for (Direction d : {Direction::fwd, Direction::bwd_w}) {
                INFO(name << " " << to_string(d));
                CHECK(registered(name).prepare(p, d, 1).primitive->implementation() == to_string(isa));
            }
    }
}
