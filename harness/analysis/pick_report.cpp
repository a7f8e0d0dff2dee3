#include "harness/analysis/pick_report.hpp"

#include <fmt/format.h>

#include "harness/analysis/significance.hpp"

namespace convlab::pick {

void print_cells(const Results& results, const PickPlan& plan) {
    const Measurements& m = results.measurements;
    fmt::print("{:<34} {:<6} {:<22} {:>9} {:<22} {:>7} {:<4} {:<24} {:<16} {:>9} {:>7}\n", "layer", "dir", "winner",
               "ms", "runner-up", "margin", "sig", "test", "best baseline", "ms", "base/w");
    for (size_t l = 0; l < plan.size(); ++l)
        for (const char* direction : direction_names) {
            auto found = plan[l].find(direction);
            if (found == plan[l].end()) continue;
            const Cell& c = found->second;
            fmt::print("{:<34} {:<6} {:<22} {:>9.4g} {:<22} {:>7} {:<4} {:<24} {:<16} {:>9} {:>7}\n", m.layers[l].name,
                       direction, c.winner, c.winner_ms, c.runner_up.empty() ? "-" : c.runner_up,
                       c.runner_up.empty() ? "-" : fmt::format("{:.3f}", c.margin), c.verdict.significant ? "yes" : "no",
                       c.verdict.method, c.best_baseline.empty() ? "-" : c.best_baseline,
                       c.best_baseline.empty() ? "-" : fmt::format("{:.4g}", c.baseline_ms),
                       c.best_baseline.empty() ? "-" : fmt::format("{:.2f}", c.baseline_ms / c.winner_ms));
        }
    size_t cells = 0, significant = 0;
    for (const auto& layer : plan)
        for (const auto& [direction, cell] : layer) ++cells, significant += cell.verdict.significant;
    fmt::print("{} cells; {} winners by a margin above the noise; margins judged by {} ({} of {} rows have "
               "them), else by the CSV's spread (IQR/median) of both\n",
               cells, significant, significance_rule(), results.rows_with_repetitions, results.passed_rows);
    fmt::print("winner: {}; best baseline: {}\n", winner_rule, best_baseline_rule);
    if (!results.suspect_rows.empty())
        fmt::print("left out {} suspect row(s), whose useful rate passes the FMA peak (the CSV's suspect column): {}\n",
                   results.suspect_rows.size(), fmt::join(results.suspect_rows, ", "));
}

nlohmann::json print_totals(const Results& results, const PickPlan& plan) {
    const Measurements& m = results.measurements;
    const double plan_ms = plan_total_ms(m, plan);
    nlohmann::json totals = {{"plan", plan_ms}};
    size_t plan_cells = 0;
    for (const auto& layer : plan) plan_cells += layer.size();
    fmt::print("\none training step (sum over layers of weight x (fwd + bwd_d + bwd_w)), {} thread(s):\n",
               results.threads);
    fmt::print("  {:<34} {:>11.4g} ms\n", "plan (best per layer)", plan_ms);
    auto line = [&](const std::string& label, const std::string& algorithm) {
        const Total t = algorithm_total(m, plan, algorithm);
        if (t.cells == 0) return;
        if (t.complete)
            fmt::print("  {:<34} {:>11.4g} ms  {:.3f}x the plan\n", label, t.ms, t.ms / plan_ms);
        else
            fmt::print("  {:<34} {:>11.4g} ms  {:.3f}x the plan on the {} cells it ran (of {})\n", label, t.ms,
                       t.ms / t.plan_ms, t.cells, plan_cells);
        totals[algorithm] = {{"ms", t.ms}, {"cells", t.cells}, {"complete", t.complete}, {"plan_ms", t.plan_ms}};
    };
    if (auto best = best_single(m, plan, results.algorithms)) {
        line(fmt::format("best single: {}", *best), *best);
        totals["best_single"] = *best;
    } else {
        fmt::print("  best single: none of convlab's algorithms ran every layer and direction\n");
        totals["best_single"] = nullptr;
    }
    for (const auto& [name, info] : results.algorithms)
        if (info.baseline) line(fmt::format("baseline: {}", name), name);
    const auto missing = missing_cells(m, plan);
    if (!missing.empty())
        fmt::print("  left out ({} cells no convlab algorithm passed): {}\n", missing.size(), fmt::join(missing, ", "));
    totals["missing"] = missing;
    return totals;
}

nlohmann::json plan_json(const Measurements& m, const std::vector<std::map<std::string, std::string>>& choice,
                         const AlgorithmTable& algorithms, const nlohmann::json& totals,
                         const std::vector<std::string>& sources, int threads) {
    nlohmann::json layers = nlohmann::json::object(), families = nlohmann::json::object();
    nlohmann::json order = nlohmann::json::array();  // JSON objects are unordered; the network's order
    for (size_t l = 0; l < m.layers.size(); ++l) {
        nlohmann::json layer = {{"descriptor", m.layers[l].descriptor}, {"weight", m.layers[l].weight}};
        for (const auto& [direction, algorithm] : choice[l]) {
            layer[direction] = algorithm;
            families[algorithm] = algorithms.at(algorithm).family;
        }
        layers[m.layers[l].name] = layer;
        order.push_back(m.layers[l].name);
    }
    return {{"layers", layers}, {"order", order}, {"families", families}, {"totals_ms", totals}, {"source", sources},
            {"threads", threads}};
}

nlohmann::json decisions_json(const Measurements& m, const PickPlan& plan) {
    auto name_or_null = [](const std::string& name) { return name.empty() ? nlohmann::json() : nlohmann::json(name); };
    nlohmann::json cells = nlohmann::json::object();
    for (size_t l = 0; l < plan.size(); ++l)
        for (const auto& [direction, c] : plan[l])
            cells[m.layers[l].name][direction] = {
                {"winner", c.winner},
                {"winner_ms", c.winner_ms},
                {"runner_up", name_or_null(c.runner_up)},
                {"runner_up_ms", c.runner_up.empty() ? nlohmann::json() : nlohmann::json(c.runner_up_ms)},
                {"margin", c.runner_up.empty() ? nlohmann::json() : nlohmann::json(c.margin)},
                {"significant", c.verdict.significant},
                {"test", c.verdict.method},
                {"best_baseline", name_or_null(c.best_baseline)},
                {"best_baseline_ms", c.best_baseline.empty() ? nlohmann::json() : nlohmann::json(c.baseline_ms)}};
    const nlohmann::json rules = {{"winner", winner_rule},
                                  {"best_baseline", best_baseline_rule},
                                  {"significance", significance_rule()},
                                  {"alpha", significance_alpha},
                                  {"min_repetitions", min_repetitions_for_test}};
    return {{"rules", rules}, {"cells", cells}};
}

}  // namespace convlab::pick
