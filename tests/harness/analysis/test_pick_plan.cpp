// `convlab pick`'s choice on hand-made times: who competes, the margin and its
// noise test, and the network totals with layer weights.
#include "harness/analysis/pick_plan.hpp"

#include <catch2/catch.hpp>

using namespace convlab::pick;

namespace {

// Synthetic algorithms: the plan reads only this metadata, never a name.
const AlgorithmTable table = {{"a", {"gemm", false, false}},
                              {"b", {"winograd", false, false}},
                              {"base", {"onednn", true, false}},
                              {"loops", {"direct", false, true}}};

MeasuredTime at(double ms, double spread = 0, std::vector<double> reps = {}) {
    MeasuredTime t;
    t.time_ms = ms, t.spread = spread, t.repetitions = std::move(reps);
    return t;
}

}  // namespace

TEST_CASE("only convlab's own algorithms win; the best baseline is reported beside", "[pick]") {
    // base (a baseline) and loops (slow) are faster than both, yet do not compete.
    const auto cell = pick_cell({{"a", at(2.0, 0.01)}, {"b", at(2.5, 0.02)}, {"base", at(1.5)}, {"loops", at(0.5)}},
                                table);
    REQUIRE(cell);
    CHECK(cell->winner == "a");
    CHECK(cell->runner_up == "b");
    CHECK(cell->margin == Approx(1.25));
    // 2.5 / 2 - 1 = 0.25 > 0.01 + 0.02
    CHECK(cell->verdict.significant);
    CHECK(cell->verdict.method.starts_with("spread"));
    CHECK(cell->best_baseline == "base");
    CHECK(cell->baseline_ms == 1.5);
}

TEST_CASE("a margin inside the spread of both rows is not significant", "[pick]") {
    // 2.2 / 2 - 1 = 0.1 < 0.1 + 0.15
    const auto cell = pick_cell({{"a", at(2.0, 0.1)}, {"b", at(2.2, 0.15)}}, table);
    REQUIRE(cell);
    CHECK(cell->winner == "a");
    CHECK_FALSE(cell->verdict.significant);
}

TEST_CASE("Mann-Whitney on the repetitions is preferred to the spread rule", "[pick]") {
    // Separated samples of 5: the exact two-sided p is 2 / C(10, 5) = 0.0079
    // (scipy.stats.mannwhitneyu agrees),
    // significant, although spreads of 1.0 would call the 20% margin noise.
    const auto separated = pick_cell({{"a", at(1.02, 1.0, {1.0, 1.01, 1.02, 1.03, 1.04})},
                                      {"b", at(1.22, 1.0, {1.2, 1.21, 1.22, 1.23, 1.24})}},
                                     table);
    REQUIRE(separated);
    CHECK(separated->verdict.significant);
    CHECK(separated->verdict.method.starts_with("mann-whitney p=0.0079"));
    // Interleaved samples (U = 12 of 25 pairs, scipy's exact p = 1.0): not
    // significant, although the tiny spreads
    // would call the 1.8% margin of the medians significant.
    const auto interleaved = pick_cell({{"a", at(1.1, 0.001, {1.0, 1.3, 1.1, 1.25, 1.05})},
                                        {"b", at(1.12, 0.001, {1.02, 1.28, 1.12, 1.22, 1.08})}},
                                       table);
    REQUIRE(interleaved);
    CHECK(interleaved->winner == "a");
    CHECK_FALSE(interleaved->verdict.significant);
    CHECK(interleaved->verdict.method.starts_with("mann-whitney"));
}

TEST_CASE("a lone competitor wins without a runner-up; a cell of baselines has no winner", "[pick]") {
    const auto alone = pick_cell({{"b", at(3)}, {"base", at(1)}}, table);
    REQUIRE(alone);
    CHECK(alone->winner == "b");
    CHECK(alone->runner_up.empty());
    CHECK_FALSE(alone->verdict.significant);
    CHECK_FALSE(pick_cell({{"base", at(1)}, {"loops", at(1)}}, table));
}

TEST_CASE("totals weigh each layer by its count in the network", "[pick]") {
    Measurements m;
    m.layers = {{"L1", "mb1ic4ih8oc4kh3ph1", 3}, {"L2", "mb1ic4ih8oc4kh1", 1}};
    m.times.resize(2);
    m.times[0]["fwd"] = {{"a", at(1)}, {"b", at(2)}, {"base", at(1.5)}};
    m.times[0]["bwd_d"] = {{"a", at(4)}, {"b", at(3)}, {"base", at(3.5)}};
    m.times[0]["bwd_w"] = {{"a", at(2)}, {"b", at(2.5)}, {"base", at(2)}};
    m.times[1]["fwd"] = {{"a", at(10)}, {"b", at(8)}};
    m.times[1]["bwd_d"] = {{"a", at(5)}};
    m.times[1]["bwd_w"] = {{"base", at(7)}};  // no competitor: a missing cell
    const PickPlan plan = pick_plan(m, table);

    // L1: a 1 + b 3 + a 2 = 6, x3 = 18; L2: b 8 + a 5 = 13.
    CHECK(plan_total_ms(m, plan) == Approx(31));
    // a everywhere the plan has a cell: L1 (1 + 4 + 2) x 3 = 21, L2 10 + 5 = 15.
    const Total a = algorithm_total(m, plan, "a");
    CHECK(a.ms == Approx(36));
    CHECK(a.cells == 5);
    CHECK(a.complete);
    // b lacks L2 bwd_d: 4 cells, (2 + 3 + 2.5) x 3 + 8 = 30.5.
    const Total b = algorithm_total(m, plan, "b");
    CHECK(b.ms == Approx(30.5));
    CHECK(b.cells == 4);
    CHECK_FALSE(b.complete);
    // The baseline on L1 only: (1.5 + 3.5 + 2) x 3 = 21 against the plan's 18 there.
    const Total base = algorithm_total(m, plan, "base");
    CHECK(base.ms == Approx(21));
    CHECK(base.plan_ms == Approx(18));
    CHECK(base.cells == 3);
    // b is cheaper over what it ran but did not run everything: a is the best single.
    CHECK(best_single(m, plan, table) == std::optional<std::string>("a"));
    CHECK(missing_cells(m, plan) == std::vector<std::string>{"L2: bwd_w"});
}

TEST_CASE("no best single algorithm when none ran every cell", "[pick]") {
    Measurements m;
    m.layers = {{"L1", "d1", 1}};
    m.times.resize(1);
    m.times[0]["fwd"] = {{"a", at(1)}};
    m.times[0]["bwd_d"] = {{"b", at(1)}};
    CHECK_FALSE(best_single(m, pick_plan(m, table), table));
}
