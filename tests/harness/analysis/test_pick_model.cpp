// The cost model of `convlab pick --predict` on synthetic rows whose
// efficiencies are chosen, so every expected time follows by hand.
#include "harness/analysis/pick_model.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "algorithms/errors.hpp"

using namespace convlab;
using namespace convlab::pick;

TEST_CASE("shape features: log2 of channels, pixels, taps, stride and groups; depthwise apart", "[pick][model]") {
    const auto f = shape_features(Problem::parse("mb1ic64ih56oc128kh3sh2ph1"));  // 28x28 output
    REQUIRE(f.size() == shape_feature_count);
    CHECK(f[0] == Approx(6));
    CHECK(f[1] == Approx(7));
    CHECK(f[2] == Approx(std::log2(784.0)));
    CHECK(f[3] == Approx(std::log2(9.0)));
    CHECK(f[4] == Approx(2));  // 2 x 2
    CHECK(f[5] == Approx(0));
    CHECK(f[6] == Approx(0));
    const auto dw = shape_features(Problem::parse("mb1g32ic32ih56oc32kh3ph1"));
    CHECK(dw[0] == Approx(0));
    CHECK(dw[1] == Approx(0));
    CHECK(dw[5] == Approx(5));
    CHECK(dw[6] == Approx(4));
}

namespace {

// Memory-bound everywhere: the FMA peak is far above intensity x bandwidth.
const MachinePeak machine{1000, 10};

// 3x3 s1: 1728 FLOPs; fwd bytes (x 32 + w 54 + b 3 + y 48) x 4 = 548.
// Features (log2): ic 1, oc 1.585, pixels 4, taps 3.17, stride 0, groups 0.
const Problem small3x3 = Problem::parse("mb1ic2ih4iw4oc3oh4ow4kh3kw3ph1pw1");
// 1x1 s1: 2 x 3 x 16 x 2 = 192 FLOPs; fwd bytes (32 + 6 + 3 + 48) x 4 = 356.
const Problem small1x1 = Problem::parse("mb1ic2ih4iw4oc3oh4ow4kh1kw1");
// 1x1 s1 on 64 channels: 2 x 64 x 64 x 16 = 131072 FLOPs; bytes (1024 +
// 4096 + 64 + 1024) x 4 = 24832; features ic 6, oc 6, pixels 4.
const Problem wide1x1 = Problem::parse("mb1ic64ih4iw4oc64oh4ow4kh1kw1");

// The time at which a memory-bound row has efficiency e: the attainable rate
// is flops / bytes x bandwidth, so time = bytes / (e x bandwidth).
double ms_at(double bytes, double e) { return bytes / (e * machine.triad_gb_s * 1e9) * 1e3; }

CostModel fitted() {
    const AlgorithmTable algorithms = {{"a", {"gemm", false, false}}};
    return fit_cost_model({{"a", "fwd", small3x3, ms_at(548, 0.2), 0, machine},
                           {"a", "fwd", small3x3, ms_at(548, 0.8), 0, machine},
                           {"a", "fwd", small1x1, ms_at(356, 0.5), 0, machine},
                           {"a", "fwd", wide1x1, ms_at(24832, 0.9), 0, machine}},
                          algorithms);
}

}  // namespace

TEST_CASE("the fit keeps every row, and summarises them per class and over all classes", "[pick][model]") {
    const CostModel model = fitted();
    const auto& rows = model.neighbours.at("a").at("fwd");
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].efficiency == Approx(0.2));
    CHECK(rows[3].efficiency == Approx(0.9));
    CHECK(rows[3].layer_class == "1x1_s1");
    CHECK(rows[2].features == shape_features(small1x1));
    const auto& fwd = model.efficiency.at("a").at("fwd");
    CHECK(fwd.at("3x3_s1").value == Approx(0.4));  // sqrt(0.2 x 0.8)
    CHECK(fwd.at("3x3_s1").rows == 2);
    CHECK(fwd.at("1x1_s1").value == Approx(std::sqrt(0.5 * 0.9)));
    CHECK(fwd.at("all").value == Approx(std::pow(0.2 * 0.8 * 0.5 * 0.9, 0.25)));
    CHECK(fwd.at("all").rows == 4);
}

TEST_CASE("prediction: flops over the nearest rows' efficiency x the algorithm's roofline", "[pick][model]") {
    const CostModel model = fitted();
    // 3x3 s1, 8x8 (pixels 6): squared distances 4 to both 3x3 rows, 4 + 3.17^2
    // = 14.05 to the small 1x1, 58.5 to the wide one: the 3 nearest give
    // cbrt(0.2 x 0.8 x 0.5) = 0.43089. 6912 FLOPs; bytes (128 + 54 + 3 + 192)
    // x 4 = 1508: 1508 / (0.43089 x 1e10) s = 3.4997e-4 ms.
    const Problem p = Problem::parse("mb1ic2ih8iw8oc3oh8ow8kh3kw3ph1pw1");
    auto plain = predict_time(model, "a", p, Direction::fwd, 0, machine);
    REQUIRE(plain);
    CHECK(plain->time_ms == Approx(3.4997e-4).epsilon(1e-4));
    CHECK_FALSE(plain->class_fallback);
    // 1000 workspace bytes written and read: (1508 + 2000) / 4.3089e9 s.
    auto with_workspace = predict_time(model, "a", p, Direction::fwd, 1000, machine);
    REQUIRE(with_workspace);
    CHECK(with_workspace->time_ms == Approx(8.1413e-4).epsilon(1e-4));
    // 1x1 on 64 channels, 8x8: the wide row (distance 4), the small 1x1
    // (48.5), then the first of the two 3x3 rows (58.5, a tie: the earlier
    // row): cbrt(0.9 x 0.5 x 0.2) = 0.44814. Bytes (4096 + 4096 + 64 + 4096)
    // x 4 = 49408 at 524288 FLOPs (memory-bound): 49408 / 4.4814e9 s.
    auto wide = predict_time(model, "a", Problem::parse("mb1ic64ih8iw8oc64oh8ow8kh1kw1"), Direction::fwd, 0, machine);
    REQUIRE(wide);
    CHECK(wide->time_ms == Approx(1.1025e-2).epsilon(1e-4));
    CHECK_FALSE(wide->class_fallback);
    // 3x3 s2 was never seen: the same three nearest rows (stride adds 2^2 to
    // each), none of its class. Bytes (128 + 54 + 3 + 48) x 4 = 932.
    const Problem s2 = Problem::parse("mb1ic2ih8iw8oc3oh4ow4kh3kw3sh2ph1pw1");
    auto unseen = predict_time(model, "a", s2, Direction::fwd, 0, machine);
    REQUIRE(unseen);
    CHECK(unseen->class_fallback);
    CHECK(unseen->time_ms == Approx(932 / (std::cbrt(0.08) * 1e10) * 1e3));
    // Nothing known of another direction or algorithm.
    CHECK_FALSE(predict_time(model, "a", p, Direction::bwd_d, 0, machine));
    CHECK_FALSE(predict_time(model, "b", p, Direction::fwd, 0, machine));
}

TEST_CASE("k nearest: one row takes the nearest, the earlier of a tie", "[pick][model]") {
    CostModel model = fitted();
    model.k = 1;
    auto p = predict_time(model, "a", Problem::parse("mb1ic2ih8iw8oc3oh8ow8kh3kw3ph1pw1"), Direction::fwd, 0, machine);
    REQUIRE(p);
    CHECK(p->time_ms == Approx(1508 / (0.2 * 1e10) * 1e3));
    model.k = 10;  // more than there are rows: all four
    p = predict_time(model, "a", Problem::parse("mb1ic2ih8iw8oc3oh8ow8kh3kw3ph1pw1"), Direction::fwd, 0, machine);
    REQUIRE(p);
    CHECK(p->time_ms == Approx(1508 / (std::pow(0.072, 0.25) * 1e10) * 1e3));
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
    CHECK(back.k == 3);
    CHECK(back.efficiency.at("a").at("fwd").at("3x3_s1").rows == 2);
    REQUIRE(back.neighbours.at("a").at("fwd").size() == 4);
    CHECK(back.neighbours.at("a").at("fwd")[3].features == shape_features(wide1x1));
    const Problem p = Problem::parse("mb1ic64ih8iw8oc64oh8ow8kh1kw1");
    CHECK(predict_time(back, "a", p, Direction::fwd, 0, machine)->time_ms ==
          Approx(predict_time(model, "a", p, Direction::fwd, 0, machine)->time_ms));
    CHECK_THROWS_AS(cost_model_from_json(nlohmann::json{{"layers", 1}}, "plan.json"), InputError);
    nlohmann::json broken = cost_model_json(model);
    broken["efficiency"]["a"]["fwd"]["all"].erase("rows");
    CHECK_THROWS_AS(cost_model_from_json(broken, "m.json"), InputError);
    nlohmann::json older = cost_model_json(model);
    older.erase("neighbours");
    CHECK_THROWS_WITH(cost_model_from_json(older, "m.json"), Catch::Contains("fit it again"));
    nlohmann::json short_row = cost_model_json(model);
    short_row["neighbours"]["a"]["fwd"][0]["features"] = {1.0, 2.0};
    CHECK_THROWS_AS(cost_model_from_json(short_row, "m.json"), InputError);
}
