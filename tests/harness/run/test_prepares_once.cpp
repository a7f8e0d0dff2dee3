// A case of `bench` (run_case) and of `validate` (validate_case) prepares its
// algorithm once: the check, the memory guard and the timing share the one
// primitive. Preparing can be costly (oneDNN's primitive creation, FFTW's
// planning, XNNPACK's thread pool), and a second plan need not be the first.
#include <catch2/catch.hpp>

#include "algorithms/registry.hpp"
#include "harness/measure/bench_timing.hpp"
#include "harness/run/bench_case.hpp"
#include "harness/run/validate_case.hpp"

using namespace convlab;

namespace {

// The reference, counting the calls of its prepare().
class CountsPrepares final : public Algorithm {
public:
    std::string_view name() const override { return "counts_prepares"; }
    std::string_view family() const override { return "test"; }
    std::string_view description() const override { return "the reference, counting prepare() calls"; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        ++prepares;
        return reference_algorithm().prepare(p, d, threads);
    }
    mutable int prepares = 0;
};

SelectedProblem selected(const std::string& descriptor) {
    SelectedProblem s;
    s.suite = "test";
    s.entry.descriptor = descriptor;
    s.entry.problem = Problem::parse(descriptor);
    return s;
}

CaseSettings quick_settings() {
    CaseSettings settings;
    settings.timing.repetitions = 1;
    settings.timing.min_time_s = 1e-4;
    settings.phase_calls = 1;
    return settings;
}

}  // namespace

TEST_CASE("a bench case prepares its algorithm once", "[prepares_once]") {
    const CountsPrepares algorithm;
    BenchSession session;
    for (Direction d : {Direction::fwd, Direction::bwd_d, Direction::bwd_w}) {
        algorithm.prepares = 0;
        const auto row = run_case(algorithm, selected("mb2ic3ih6oc4kh3ph1"), d, 1, quick_settings(), session);
        REQUIRE(row);
        CHECK(row->at("status") == "PASSED");
        CHECK(!row->at("time_ms_median").empty());  // checked and timed
        CHECK(algorithm.prepares == 1);
        CHECK(std::stod(row->at("prepare_ms")) >= 0);  // that one prepare, timed
    }
}

TEST_CASE("a bench case checked at a smaller minibatch prepares that other problem apart", "[prepares_once]") {
    const CountsPrepares algorithm;
    BenchSession session;
    CaseSettings settings = quick_settings();
    settings.check_mb = 1;  // the problem's mb is 2: the check's problem is another one
    const auto row = run_case(algorithm, selected("mb2ic3ih6oc4kh3ph1"), Direction::fwd, 1, settings, session);
    REQUIRE(row);
    CHECK(row->at("check_mb") == "1");
    CHECK(row->at("status") == "PASSED");
    CHECK(algorithm.prepares == 2);
}

TEST_CASE("a validate case prepares its algorithm once", "[prepares_once]") {
    const CountsPrepares algorithm;
    for (Direction d : {Direction::fwd, Direction::bwd_d, Direction::bwd_w}) {
        algorithm.prepares = 0;
        const Verdict v = validate_case(algorithm, Problem::parse("mb2ic3ih6oc4kh3ph1"), d, 1, 1);
        CHECK(v.status == Status::passed);
        CHECK(algorithm.prepares == 1);
    }
}
