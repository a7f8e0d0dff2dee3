// onednn_winograd: oneDNN's Winograd within its contract on every 3x3 stride-1
// shape it takes, in all three directions, where the CPU has it; a decline
// that says what the problem or the CPU misses elsewhere.
#include <catch2/catch.hpp>

#include <dnnl.hpp>

#include <string>

#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& winograd() { return testing::registered("onednn_winograd"); }
bool cpu_has_winograd() { return dnnl::get_effective_cpu_isa() >= dnnl::cpu_isa::avx512_core; }

}  // namespace

TEST_CASE("onednn_winograd agrees with the reference on 3x3 stride-1 layers", "[onednn]") {
    // oneDNN computes a wrong dx there (found by the randomized cross-validation).
    const std::string bottom = testing::decline_reason(winograd(), Problem::parse("mb1ic16ih8oc16oh7kh3ph1"), Direction::bwd_d);
    CHECK(bottom.rfind("onednn_winograd: oneDNN 2.6's Winograd backward data is wrong with bottom padding 0", 0) == 0);
    if (!cpu_has_winograd()) {
        WARN("oneDNN has no Winograd below AVX-512: the decline test covers this CPU");
        return;
    }
    const std::string descriptor = GENERATE("mb2ic16ih12oc32kh3ph1", "mb1ic32ih9oc16kh3ph0", "mb3ic64ih14oc64kh3ph1");
    const Direction d = GENERATE(Direction::fwd, Direction::bwd_d, Direction::bwd_w);
    const int threads = GENERATE(1, 2);
    INFO(descriptor << " " << to_string(d) << " threads " << threads);
    const Problem p = Problem::parse(descriptor);
    const Prepared prepared = winograd().prepare(p, d, threads);
    REQUIRE(prepared.decline_reason == "");
    CHECK(prepared.primitive->implementation().find("wino") != std::string::npos);
    const Verdict v = check(winograd(), p, d, 3, threads);
    INFO(v.reason << " " << v.worst << " max rel " << v.max_rel_err);
    CHECK(v.status == Status::passed);
}

TEST_CASE("onednn_winograd declines what oneDNN's Winograd does not do, saying why", "[onednn]") {
    for (const char* descriptor : {"mb2ic16ih12oc16kh5ph2", "mb2ic16ih12oc16kh3sh2ph1", "g2mb2ic32ih12oc32kh3ph1",
                                   "mb2ic16ih12oc16kh3ph2dh1"}) {
        INFO(descriptor);
        const std::string why = testing::decline_reason(winograd(), Problem::parse(descriptor), Direction::fwd);
        CHECK(why.rfind("onednn_winograd: oneDNN 2.6 has Winograd only for 3x3", 0) == 0);
    }
    const std::string kernel = testing::decline_reason(winograd(), Problem::parse("mb2ic16ih12oc16kh5ph2"), Direction::fwd);
    CHECK(kernel.find("a 3x3 kernel (got 5x5)") != std::string::npos);
    const std::string groups = testing::decline_reason(winograd(), Problem::parse("g2mb2ic32ih12oc32kh3ph1"), Direction::bwd_w);
    CHECK(groups.find("one group (got 2)") != std::string::npos);
    if (!cpu_has_winograd()) {
        const std::string isa = testing::decline_reason(winograd(), Problem::parse("mb2ic16ih12oc32kh3ph1"), Direction::fwd);
        CHECK(isa.find("an AVX-512 CPU") != std::string::npos);
    }
}
