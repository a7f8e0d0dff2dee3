#include "harness/analysis/pick_model.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "algorithms/errors.hpp"
#include "algorithms/layer_class.hpp"
#include "harness/measure/roofline.hpp"

namespace convlab::pick {

std::vector<double> shape_features(const Problem& p) {
    const bool depthwise = layer_class(p) == "depthwise";
    return {std::log2(double(p.icg())),         std::log2(double(p.ocg())), std::log2(double(p.oh * p.ow)),
            std::log2(double(p.kh * p.kw)),     std::log2(double(p.sh * p.sw)), std::log2(double(p.g)),
            depthwise ? 4.0 : 0.0};
}

double algorithm_attainable_gflops(const Problem& p, Direction d, int64_t workspace_bytes, const MachinePeak& peak) {
    const double bytes = compulsory_bytes(p, d) + 2.0 * double(workspace_bytes);
    return attainable_gflops(p.flops() / bytes, peak.fma_gflops, peak.triad_gb_s);
}

std::vector<Sample> samples_of(const Results& results) {
    if (!results.peak)
        throw InputError(fmt::format("pick: {} has no measured peak at {} thread(s) in its meta.json",
                                     fmt::join(results.sources, ", "), results.threads));
    std::vector<Sample> samples;
    const Measurements& m = results.measurements;
    for (size_t l = 0; l < m.layers.size(); ++l) {
        const Problem p = Problem::parse(m.layers[l].descriptor);
        for (const auto& [direction, times] : m.times[l])
            for (const auto& [algorithm, t] : times)
                samples.push_back({algorithm, direction, p, t.time_ms, t.workspace_bytes, *results.peak});
    }
    return samples;
}

CostModel fit_cost_model(const std::vector<Sample>& samples, const AlgorithmTable& algorithms) {
    CostModel model;
    // Sums of log efficiency per class, then their means.
    std::map<std::string, std::map<std::string, std::map<std::string, std::pair<double, int>>>> logs;
    for (const Sample& s : samples) {
        if (s.time_ms <= 0) continue;
        const Direction d = parse_direction(s.direction);
        const double achieved = s.problem.flops() / 1e9 / (s.time_ms / 1e3);
        const double efficiency = achieved / algorithm_attainable_gflops(s.problem, d, s.workspace_bytes, s.peak);
        for (const std::string& key : {layer_class(s.problem), std::string("all")}) {
            auto& [sum, n] = logs[s.algorithm][s.direction][key];
            sum += std::log(efficiency), ++n;
        }
        model.neighbours[s.algorithm][s.direction].push_back(
            {shape_features(s.problem), efficiency, layer_class(s.problem)});
    }
    model.algorithms = algorithms;
    for (const auto& [algorithm, by_direction] : logs)
        for (const auto& [direction, by_class] : by_direction)
            for (const auto& [key, sum_n] : by_class)
                model.efficiency[algorithm][direction][key] = {std::exp(sum_n.first / sum_n.second), sum_n.second};
    return model;
}

std::optional<Prediction> predict_time(const CostModel& model, const std::string& algorithm, const Problem& p,
                                       Direction d, int64_t workspace_bytes, const MachinePeak& peak) {
    auto a = model.neighbours.find(algorithm);
    if (a == model.neighbours.end()) return std::nullopt;
    auto dir = a->second.find(std::string(to_string(d)));
    if (dir == a->second.end() || dir->second.empty()) return std::nullopt;
    const std::vector<Neighbour>& rows = dir->second;
    const std::vector<double> f = shape_features(p);
    std::vector<std::pair<double, size_t>> by_distance;
    for (size_t i = 0; i < rows.size(); ++i) {
        double d2 = 0;
        for (size_t j = 0; j < f.size(); ++j) d2 += (rows[i].features[j] - f[j]) * (rows[i].features[j] - f[j]);
        by_distance.emplace_back(d2, i);
    }
    const size_t k = std::min(by_distance.size(), size_t(std::max(1, model.k)));
    std::partial_sort(by_distance.begin(), by_distance.begin() + k, by_distance.end());  // ties: the earlier row
    Prediction prediction;
    prediction.class_fallback = true;
    const std::string cls = layer_class(p);
    double log_sum = 0;
    for (size_t i = 0; i < k; ++i) {
        const Neighbour& n = rows[by_distance[i].second];
        log_sum += std::log(n.efficiency);
        if (n.layer_class == cls) prediction.class_fallback = false;
    }
    const double gflops = std::exp(log_sum / double(k)) * algorithm_attainable_gflops(p, d, workspace_bytes, peak);
    prediction.time_ms = p.flops() / 1e9 / gflops * 1e3;
    return prediction;
}

nlohmann::json cost_model_json(const CostModel& model) {
    nlohmann::json algorithms = nlohmann::json::object();
    for (const auto& [name, info] : model.algorithms)
        algorithms[name] = {{"family", info.family}, {"baseline", info.baseline}, {"slow", info.slow}};
    nlohmann::json efficiency = nlohmann::json::object();
    for (const auto& [algorithm, by_direction] : model.efficiency)
        for (const auto& [direction, by_class] : by_direction)
            for (const auto& [key, e] : by_class)
                efficiency[algorithm][direction][key] = {{"efficiency", e.value}, {"rows", e.rows}};
    nlohmann::json neighbours = nlohmann::json::object();
    for (const auto& [algorithm, by_direction] : model.neighbours)
        for (const auto& [direction, rows] : by_direction)
            for (const Neighbour& n : rows)
                neighbours[algorithm][direction].push_back(
                    {{"features", n.features}, {"efficiency", n.efficiency}, {"class", n.layer_class}});
    return {{"kind", "convlab pick cost model"},
            {"model", "time = flops / (efficiency x min(peak, flops / (compulsory + 2 x workspace bytes) x triad)); "
                      "efficiency: geometric mean over the k training rows of the algorithm and direction nearest "
                      "in shape features; 'efficiency' summarises them per layer class"},
            {"k", model.k},
            {"algorithms", algorithms},
            {"neighbours", neighbours},
            {"efficiency", efficiency},
            {"source", model.sources}};
}

CostModel cost_model_from_json(const nlohmann::json& json, const std::string& where) {
    if (!json.is_object() || json.value("kind", "") != "convlab pick cost model" || !json.contains("efficiency") ||
        !json.contains("algorithms"))
        throw InputError(fmt::format("pick: {} is not a cost model written by convlab pick --fit", where));
    if (!json.contains("neighbours"))
        throw InputError(fmt::format("pick: {} is a cost model without its training rows (an older convlab's): "
                                     "fit it again with pick --fit",
                                     where));
    CostModel model;
    try {
        for (const auto& [name, info] : json["algorithms"].items())
            model.algorithms[name] = {info.at("family").get<std::string>(), info.at("baseline").get<bool>(),
                                      info.at("slow").get<bool>()};
        for (const auto& [algorithm, by_direction] : json["efficiency"].items())
            for (const auto& [direction, by_class] : by_direction.items())
                for (const auto& [key, e] : by_class.items())
                    model.efficiency[algorithm][direction][key] = {e.at("efficiency").get<double>(),
                                                                   e.at("rows").get<int>()};
        for (const auto& [algorithm, by_direction] : json["neighbours"].items())
            for (const auto& [direction, rows] : by_direction.items())
                for (const auto& n : rows) {
                    Neighbour neighbour{n.at("features").get<std::vector<double>>(), n.at("efficiency").get<double>(),
                                        n.at("class").get<std::string>()};
                    if (neighbour.features.size() != shape_feature_count ||
                        !(neighbour.efficiency > 0))
                        throw InputError(fmt::format("pick: {} has a training row of another shape or a "
                                                     "non-positive efficiency",
                                                     where));
                    model.neighbours[algorithm][direction].push_back(std::move(neighbour));
                }
        model.k = json.at("k").get<int>();
        if (model.k < 1) throw InputError(fmt::format("pick: {} asks for k = {} nearest rows", where, model.k));
        model.sources = json.value("source", std::vector<std::string>{});
    } catch (const nlohmann::json::exception& e) {
        throw InputError(fmt::format("pick: {} is a malformed cost model ({})", where, e.what()));
    }
    return model;
}

}  // namespace convlab::pick
