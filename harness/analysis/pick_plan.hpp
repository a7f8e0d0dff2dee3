// The pure part of `convlab pick`: from measured times per layer, direction and
// algorithm, the winner of each cell, its margin over the runner-up and
// whether that margin is above the noise; then the network's time for one
// training step under the plan, under each single algorithm and each baseline.
//
// Who competes: convlab's own algorithms (neither slow nor baseline, as the
// results' metadata says). Baselines are what the plan is measured against,
// so they are reported beside the winner, never chosen.
//
// "winner" and "best baseline" mean these and nothing else in every output:
// pick prints the rules, its plan JSON carries them with each cell's winner
// and best baseline, and SUMMARY.md takes both from there.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace convlab::pick {

inline constexpr const char* winner_rule =
    "the fastest (median time) of convlab's own algorithms, neither baseline nor slow";
inline constexpr const char* best_baseline_rule =
    "the fastest baseline (an external library): a yardstick beside the winner, never a winner";

struct AlgorithmInfo {
    std::string family;
    bool baseline = false, slow = false;
    bool competes() const { return !baseline && !slow; }
};
using AlgorithmTable = std::map<std::string, AlgorithmInfo>;  // name -> metadata

// One PASSED row.
struct MeasuredTime {
    double time_ms = 0;
    double spread = 0;                 // IQR / median of its repetitions (the CSV's column)
    int64_t workspace_bytes = 0;
    std::vector<double> repetitions;   // from the raw JSON, when it has them
};

// A layer of the network: its identity and how often it occurs.
struct Layer {
    std::string name, descriptor;
    int64_t weight = 1;
};

static constexpr const char* direction_names[] = {"fwd", "bwd_d", "bwd_w"};

// Every timing of every (layer, direction), keyed by algorithm.
struct Measurements {
    std::vector<Layer> layers;  // in first-seen order
    // [layer index][direction name][algorithm]
    std::vector<std::map<std::string, std::map<std::string, MeasuredTime>>> times;
};

// How the margin of a winner was judged.
struct MarginVerdict {
    bool significant = false;
    std::string method;  // "mann-whitney p=0.0079", "spread 0.031+0.020", "no runner-up"
};

struct Cell {
    std::string winner, runner_up, best_baseline;
    double winner_ms = 0, runner_up_ms = 0, baseline_ms = 0;
    double margin = 0;  // runner_up_ms / winner_ms; 0 without a runner-up
    MarginVerdict verdict;
};

// The significance rule (significance.hpp) when both sides have the
// repetitions it needs (and the runner-up is the slower); otherwise the spread
// rule (runner_up / winner - 1) > spread_winner + spread_runner_up.
MarginVerdict judge_margin(const MeasuredTime& winner, const MeasuredTime& runner_up);

// The winner among competing algorithms of one cell; empty when none passed.
std::optional<Cell> pick_cell(const std::map<std::string, MeasuredTime>& times, const AlgorithmTable& algorithms);

// [layer index][direction] -> cell, for every cell with a competitor.
using PickPlan = std::vector<std::map<std::string, Cell>>;
PickPlan pick_plan(const Measurements& m, const AlgorithmTable& algorithms);

// sum over the given cells of weight x time.
struct Total {
    double ms = 0;
    int cells = 0;          // cells it has a time for, of those asked
    double plan_ms = 0;     // the plan's time over the same cells
    bool complete = false;  // it covers every cell the plan covers
};
// The plan's total over its own cells.
double plan_total_ms(const Measurements& m, const PickPlan& plan);
// One algorithm for every cell the plan covers.
Total algorithm_total(const Measurements& m, const PickPlan& plan, const std::string& algorithm);
// The competing algorithm with the lowest complete total; empty when none is complete.
std::optional<std::string> best_single(const Measurements& m, const PickPlan& plan, const AlgorithmTable& algorithms);

// "LAYER: DIR" of cells no competitor passed.
std::vector<std::string> missing_cells(const Measurements& m, const PickPlan& plan);

}  // namespace convlab::pick
