// The cost model of `convlab pick --predict` on synthetic rows whose
// efficiencies are chosen, so every expected time follows by hand.
#include "harness/cli/pick_model.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/errors.hpp"

using namespace convlab;
using namespace convlab::pick;

TEST_CASE("layer classes", "[pick][model]") {
    auto cls = [](const char* d) { return layer_class(Problem::parse(d)); };
    CHECK(cls("mb1ic64ih56oc64kh1") == "1x1_s1");
    CHECK(cls("mb1ic64ih56oc128kh1sh2") == "1x1_s2");
    CHECK(cls("mb1ic64ih56oc64kh3ph1") == "3x3_s1");
    CHECK(cls("mb1ic64ih56oc64kh3sh2ph1") == "3x3_s2");
    CHECK(cls("mb1ic3ih224oc64kh7sh2ph3") == "7x7_stem");
    CHECK(cls("mb1ic64ih56oc64kh7ph3") == "large_kernel");  // 7x7 on many channels is no stem
    CHECK(cls("mb1ic64ih32oc64kh5ph2") == "large_kernel");
    CHECK(cls("mb1g32ic32ih56oc32kh3ph1") == "depthwise");
    CHECK(cls("mb1g2ic64ih56oc64kh3ph1") == "other");    // grouped, not depthwise
    CHECK(cls("mb1ic16ih32oc16kh3dh1ph2") == "other");   // dilated
    CHECK(cls("mb1ic16ih32iw32oc16kh1kw3pw1") == "other");   // rectangular
}

namespace {

// Memory-bound everywhere: the FMA peak is far above intensity x bandwidth.
const MachinePeak machine{1000, 10};

// 3x3 s1: 1728 FLOPs; fwd bytes (x 32 + w 54 + b 3 + y 48) x 4 = 548.
const Problem small3x3 = Problem::parse("mb1ic2ih4iw4oc3oh4ow4kh3kw3ph1pw1");
// 1x1 s1: 2 x 3 x 16 x 2 = 192 FLOPs; fwd bytes (32 + 6 + 3 + 48) x 4 = 356.
const Problem small1x1 = Problem::parse("mb1ic2ih4iw4oc3oh4ow4kh1kw1");

// The time at which a memory-bound row has efficiency e: the attainable rate
// is flops / bytes x bandwidth, so time = bytes / (e x bandwidth).
double ms_at(double bytes, double e) { return bytes / (e * machine.triad_gb_s * 1e9) * 1e3; }

CostModel fitted() {
    const AlgorithmTable algorithms = {{"a", {"gemm", false, false}}};
    return fit_cost_model({{"a", "fwd", small3x3, ms_at(548, 0.2), 0, machine},
                           {"a", "fwd", small3x3, ms_at(548, 0.8), 0, machine},
                           {"a", "fwd", small1x1, ms_at(356, 0.5), 0, machine}},
                          algorithms);
}

}  // namespace

TEST_CASE("the fit is the geometric mean of efficiencies per class, and over all classes", "[pick][model]") {
    const CostModel model = fitted();
    const auto& fwd = model.efficiency.at("a").at("fwd");
    CHECK(fwd.at("3x3_s1").value == Approx(0.4));  // sqrt(0.2 x 0.8)
    CHECK(fwd.at("3x3_s1").rows == 2);
    CHECK(fwd.at("1x1_s1").value == Approx(0.5));
    CHECK(fwd.at("all").value == Approx(std::cbrt(0.2 * 0.8 * 0.5)));  // 0.43089
    CHECK(fwd.at("all").rows == 3);
}

TEST_CASE("prediction: flops over efficiency x the algorithm's roofline", "[pick][model]") {
    const CostModel model = fitted();
    // 3x3 s1, 8x8: 6912 FLOPs; bytes (128 + 54 + 3 + 192) x 4 = 1508; at
    // efficiency 0.4 of 6912 / 1508 x 10 GFLOP/s: 1508 / 4e9 s = 3.77e-4 ms.
    const Problem p = Problem::parse("mb1ic2ih8iw8oc3oh8ow8kh3kw3ph1pw1");
    auto plain = predict_time(model, "a", p, Direction::fwd, 0, machine);
    REQUIRE(plain);
    CHECK(plain->time_ms == Approx(3.77e-4));
    CHECK_FALSE(plain->class_fallback);
    // 1000 workspace bytes written and read: (1508 + 2000) / 4e9 s = 8.77e-4 ms.
    auto with_workspace = predict_time(model, "a", p, Direction::fwd, 1000, machine);
    REQUIRE(with_workspace);
    CHECK(with_workspace->time_ms == Approx(8.77e-4));
    // 3x3 s2 was never seen: the efficiency over all classes, 0.43089; bytes
    // (128 + 54 + 3 + 48) x 4 = 932: 932 / (0.43089 x 1e10) s.
    const Problem s2 = Problem::parse("mb1ic2ih8iw8oc3oh4ow4kh3kw3sh2ph1pw1");
    auto fallback = predict_time(model, "a", s2, Direction::fwd, 0, machine);
    REQUIRE(fallback);
    CHECK(fallback->class_fallback);
    CHECK(fallback->time_ms == Approx(932 / (std::cbrt(0.08) * 1e10) * 1e3));
    // Nothing known of another direction or algorithm.
    CHECK_FALSE(predict_time(model, "a", p, Direction::bwd_d, 0, machine));
    CHECK_FALSE(predict_time(model, "b", p, Direction::fwd, 0, machine));
}

TEST_CASE("a compute-bound row is placed against the FMA peak", "[pick][model]") {
    // 1 GFLOP/s peak, 1000 GB/s: the roof is the peak. Efficiency 0.25 on
    // 1728 FLOPs: 1728e-9 / 0.25 s = 6.912e-3 ms, predicted back the same.
    const MachinePeak slow_core{1, 1000};
    const CostModel model = fit_cost_model({{"a", "bwd_w", small3x3, 6.912e-3, 0, slow_core}},
                                           {{"a", {"gemm", false, false}}});
    CHECK(model.efficiency.at("a").at("bwd_w").at("3x3_s1").value == Approx(0.25));
    auto predicted = predict_time(model, "a", small3x3, Direction::bwd_w, 0, slow_core);
    REQUIRE(predicted);
    CHECK(predicted->time_ms == Approx(6.912e-3));
}

TEST_CASE("the model survives its JSON; other JSON is refused", "[pick][model]") {
    const CostModel model = fitted();
    const CostModel back = cost_model_from_json(cost_model_json(model), "m.json");
    CHECK(back.algorithms.at("a").family == "gemm");
    CHECK(back.efficiency.at("a").at("fwd").at("1x1_s1").value == Approx(0.5));
    CHECK(back.efficiency.at("a").at("fwd").at("3x3_s1").rows == 2);
    CHECK_THROWS_AS(cost_model_from_json(nlohmann::json{{"layers", 1}}, "plan.json"), InputError);
    nlohmann::json broken = cost_model_json(model);
    broken["efficiency"]["a"]["fwd"]["all"].erase("rows");
    CHECK_THROWS_AS(cost_model_from_json(broken, "m.json"), InputError);
}
