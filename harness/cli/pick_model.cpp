#include "harness/cli/pick_model.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "algorithms/errors.hpp"
#include "harness/measure/roofline.hpp"

namespace convlab::pick {

std::string layer_class(const Problem& p) {
    if (p.g > 1 && p.g == p.ic && p.g == p.oc) return "depthwise";
    if (p.g > 1 || p.dh > 0 || p.dw > 0 || p.kh != p.kw || p.sh != p.sw) return "other";
    if (p.kh == 1 && p.sh == 1) return "1x1_s1";
    if (p.kh == 1 && p.sh == 2) return "1x1_s2";
    if (p.kh == 3 && p.sh == 1) return "3x3_s1";
    if (p.kh == 3 && p.sh == 2) return "3x3_s2";
    if (p.kh == 7 && p.ic <= 4) return "7x7_stem";
    if (p.kh >= 5) return "large_kernel";
    return "other";
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
    // Sums of log efficiency, then their means.
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
    }
    CostModel model;
    model.algorithms = algorithms;
    for (const auto& [algorithm, by_direction] : logs)
        for (const auto& [direction, by_class] : by_direction)
            for (const auto& [key, sum_n] : by_class)
                model.efficiency[algorithm][direction][key] = {std::exp(sum_n.first / sum_n.second), sum_n.second};
    return model;
}

std::optional<Prediction> predict_time(const CostModel& model, const std::string& algorithm, const Problem& p,
                                       Direction d, int64_t workspace_bytes, const MachinePeak& peak) {
    auto a = model.efficiency.find(algorithm);
    if (a == model.efficiency.end()) return std::nullopt;
    auto dir = a->second.find(std::string(to_string(d)));
    if (dir == a->second.end()) return std::nullopt;
    Prediction prediction;
    auto e = dir->second.find(layer_class(p));
    if (e == dir->second.end()) {
        e = dir->second.find("all");
        prediction.class_fallback = true;
        if (e == dir->second.end()) return std::nullopt;
    }
    const double gflops = e->second.value * algorithm_attainable_gflops(p, d, workspace_bytes, peak);
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
    return {{"kind", "convlab pick cost model"},
            {"model", "time = flops / (efficiency x min(peak, flops / (compulsory + 2 x workspace bytes) x triad)); "
                      "efficiency: geometric mean per algorithm, direction and layer class, 'all' over classes"},
            {"algorithms", algorithms},
            {"efficiency", efficiency},
            {"source", model.sources}};
}

CostModel cost_model_from_json(const nlohmann::json& json, const std::string& where) {
    if (!json.is_object() || json.value("kind", "") != "convlab pick cost model" || !json.contains("efficiency") ||
        !json.contains("algorithms"))
        throw InputError(fmt::format("pick: {} is not a cost model written by convlab pick --fit", where));
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
        model.sources = json.value("source", std::vector<std::string>{});
    } catch (const nlohmann::json::exception& e) {
        throw InputError(fmt::format("pick: {} is a malformed cost model ({})", where, e.what()));
    }
    return model;
}

}  // namespace convlab::pick
