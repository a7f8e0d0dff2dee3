#include "harness/analysis/pick_plan.hpp"

#include <fmt/format.h>

#include "harness/analysis/significance.hpp"
#include "harness/measure/stats.hpp"

namespace convlab::pick {

MarginVerdict judge_margin(const MeasuredTime& winner, const MeasuredTime& runner_up) {
    if (enough_repetitions_for_test(winner.repetitions.size(), runner_up.repetitions.size())) {
        const RepetitionComparison c =
            compare_repetitions(winner.repetitions, runner_up.repetitions, significance_alpha);
        return {c.significant && c.relative_change > 0,
                fmt::format("mann-whitney p={:.2g}{}", c.test.p_value, c.enough_repetitions ? "" : " (few reps)")};
    }
    const double excess = runner_up.time_ms / winner.time_ms - 1;
    return {excess > winner.spread + runner_up.spread,
            fmt::format("spread {:.3f}+{:.3f}", winner.spread, runner_up.spread)};
}

std::optional<Cell> pick_cell(const std::map<std::string, MeasuredTime>& times, const AlgorithmTable& algorithms) {
    const std::string* first = nullptr;
    const std::string* second = nullptr;
    const std::string* baseline = nullptr;
    // Ties keep the name order of the map: deterministic.
    for (const auto& [name, timing] : times) {
        const AlgorithmInfo& info = algorithms.at(name);
        if (info.baseline) {
            if (!baseline || timing.time_ms < times.at(*baseline).time_ms) baseline = &name;
            continue;
        }
        if (!info.competes()) continue;
        if (!first || timing.time_ms < times.at(*first).time_ms) {
            second = first;
            first = &name;
        } else if (!second || timing.time_ms < times.at(*second).time_ms) {
            second = &name;
        }
    }
    if (!first) return std::nullopt;
    Cell cell;
    cell.winner = *first;
    cell.winner_ms = times.at(*first).time_ms;
    if (second) {
        cell.runner_up = *second;
        cell.runner_up_ms = times.at(*second).time_ms;
        cell.margin = cell.runner_up_ms / cell.winner_ms;
        cell.verdict = judge_margin(times.at(*first), times.at(*second));
    } else {
        cell.verdict = {false, "no runner-up"};
    }
    if (baseline) {
        cell.best_baseline = *baseline;
        cell.baseline_ms = times.at(*baseline).time_ms;
    }
    return cell;
}

PickPlan pick_plan(const Measurements& m, const AlgorithmTable& algorithms) {
    PickPlan plan(m.layers.size());
    for (size_t l = 0; l < m.layers.size(); ++l)
        for (const auto& [direction, times] : m.times[l])
            if (auto cell = pick_cell(times, algorithms)) plan[l][direction] = *cell;
    return plan;
}

double plan_total_ms(const Measurements& m, const PickPlan& plan) {
    double total = 0;
    for (size_t l = 0; l < plan.size(); ++l)
        for (const auto& [direction, cell] : plan[l]) total += double(m.layers[l].weight) * cell.winner_ms;
    return total;
}

Total algorithm_total(const Measurements& m, const PickPlan& plan, const std::string& algorithm) {
    Total total;
    int asked = 0;
    for (size_t l = 0; l < plan.size(); ++l)
        for (const auto& [direction, cell] : plan[l]) {
            ++asked;
            const auto& times = m.times[l].at(direction);
            auto found = times.find(algorithm);
            if (found == times.end()) continue;
            ++total.cells;
            total.ms += double(m.layers[l].weight) * found->second.time_ms;
            total.plan_ms += double(m.layers[l].weight) * cell.winner_ms;
        }
    total.complete = asked > 0 && total.cells == asked;
    return total;
}

std::optional<std::string> best_single(const Measurements& m, const PickPlan& plan, const AlgorithmTable& algorithms) {
    std::optional<std::string> best;
    double best_ms = 0;
    for (const auto& [name, info] : algorithms) {
        if (!info.competes()) continue;
        const Total t = algorithm_total(m, plan, name);
        if (t.complete && (!best || t.ms < best_ms)) best = name, best_ms = t.ms;
    }
    return best;
}

std::vector<std::string> missing_cells(const Measurements& m, const PickPlan& plan) {
    std::vector<std::string> missing;
    for (size_t l = 0; l < plan.size(); ++l)
        for (const char* direction : direction_names)
            if (!plan[l].count(direction)) missing.push_back(fmt::format("{}: {}", m.layers[l].name, direction));
    return missing;
}

}  // namespace convlab::pick
