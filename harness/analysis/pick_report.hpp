// What `convlab pick` prints and writes: the per-cell table, the network's
// totals for one training step and the plan JSON. Data only: the winners plot
// is drawn from the plan JSON by scripts/plot_winners.py, so an installed
// convlab needs neither Python nor the source tree.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/analysis/pick_input.hpp"
#include "harness/analysis/pick_plan.hpp"

namespace convlab::pick {

void print_cells(const Results& results, const PickPlan& plan);

// Prints the plan's total, the best single algorithm's, each baseline's,
// with ratios to the plan and the cells each misses; returns them as
// {"plan": ms, "best_single": {"algorithm":..., "ms":...}, "ALGO": ms, ...}.
nlohmann::json print_totals(const Results& results, const PickPlan& plan);

// {"layers": {LAYER: {"descriptor", "weight", "fwd", "bwd_d", "bwd_w"}}, "order": [LAYER...], "families": {ALGO: family},
//  "totals_ms": totals, "source": [csvs], "threads": N}; `choice` gives each cell's algorithm.
nlohmann::json plan_json(const Measurements& m, const std::vector<std::map<std::string, std::string>>& choice,
                         const AlgorithmTable& algorithms, const nlohmann::json& totals,
                         const std::vector<std::string>& sources, int threads);

// What a measured plan adds to plan_json, so that scripts report pick's
// decisions instead of deciding again: {"rules": {"winner", "best_baseline",
// "significance": words, "alpha", "min_repetitions"}, "cells": {LAYER: {DIR:
// {"winner", "winner_ms", "runner_up", "runner_up_ms", "margin", "significant",
// "test", "best_baseline", "best_baseline_ms"}}}} (runner-up and baseline
// entries null when the cell has none).
nlohmann::json decisions_json(const Measurements& m, const PickPlan& plan);

}  // namespace convlab::pick
