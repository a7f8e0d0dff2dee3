// The cost model of `convlab pick --predict`: an algorithm's time on a problem
// from the problem alone and the machine's measured peak, without timing it.
//
//   attainable = roofline of the algorithm's own traffic: min(peak FMA rate,
//                flops / (compulsory bytes + 2 x workspace bytes) x triad
//                bandwidth) — the workspace is written once and read once,
//                which is what im2col's column matrix or Winograd's tiles cost
//   efficiency = measured GFLOP/s / attainable, the geometric mean over the
//                k = 3 training rows of that algorithm and direction nearest
//                to the problem in shape (shape_features: Euclidean distance)
//   predicted time = flops / (efficiency x attainable)
//
// It remembers what it saw and interpolates between its nearest rows; the
// same efficiencies summarised per layer class (algorithms/layer_class.hpp)
// are what `--fit` prints.
//
// flops is the nominal Problem::flops, not the useful count peak_fraction
// uses: the model predicts times, and is consistent with either count as
// long as fitting and predicting share it; an efficiency is a fitted factor,
// not a fraction of the peak. The nominal count keeps the models fitted
// before the useful count existed valid (mixing the two would be off by the
// padding share of the layers).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "harness/analysis/pick_input.hpp"
#include "harness/analysis/pick_plan.hpp"

namespace convlab::pick {

// Where a problem sits for the nearest-row search, each coordinate a log2 so
// that a doubling weighs the same anywhere: channels per group in and out,
// output pixels, kernel taps, stride (rows x columns), groups; depthwise
// adds 4, as far as sixteen times the channels.
inline constexpr size_t shape_feature_count = 7;
std::vector<double> shape_features(const Problem& p);

// GFLOP/s the algorithm's traffic allows on this machine.
double algorithm_attainable_gflops(const Problem& p, Direction d, int64_t workspace_bytes, const MachinePeak& peak);

struct Efficiency {
    double value = 0;  // geometric mean of measured / attainable
    int rows = 0;
};

// One training row as the model keeps it.
struct Neighbour {
    std::vector<double> features;  // shape_features of its problem
    double efficiency = 0;         // measured / attainable
    std::string layer_class;
};

struct CostModel {
    AlgorithmTable algorithms;
    int k = 3;  // nearest rows averaged per prediction
    // algorithm -> direction -> every training row, in the order fitted
    std::map<std::string, std::map<std::string, std::vector<Neighbour>>> neighbours;
    // algorithm -> direction -> class (or "all") -> efficiency: the summary --fit prints
    std::map<std::string, std::map<std::string, std::map<std::string, Efficiency>>> efficiency;
    std::vector<std::string> sources;
};

// One measured row a model is fitted on.
struct Sample {
    std::string algorithm, direction;
    Problem problem;
    double time_ms = 0;
    int64_t workspace_bytes = 0;
    MachinePeak peak;
};

// The rows of a run as samples (its peak; InputError when the meta.json has none).
std::vector<Sample> samples_of(const Results& results);
CostModel fit_cost_model(const std::vector<Sample>& samples, const AlgorithmTable& algorithms);

struct Prediction {
    double time_ms = 0;
    bool class_fallback = false;  // none of the nearest rows is of the problem's layer class
};
// Empty when the model has no row of that algorithm and direction.
std::optional<Prediction> predict_time(const CostModel& model, const std::string& algorithm, const Problem& p,
                                       Direction d, int64_t workspace_bytes, const MachinePeak& peak);

nlohmann::json cost_model_json(const CostModel& model);
// Throws InputError when the JSON is not a model this code wrote.
CostModel cost_model_from_json(const nlohmann::json& json, const std::string& where);

}  // namespace convlab::pick
