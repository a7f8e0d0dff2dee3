// What `validate`, `bench` and the Python module run over: problems from shape
// files and descriptors, algorithms, directions, a minibatch override, a shard.
// The command-line options that fill it are cli/selection_options.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "harness/io/shape_file.hpp"

namespace convlab {

struct Selection {
    std::vector<std::string> batches;    // --batch FILE (a path or a bundled set name), repeatable
    std::vector<std::string> problems;   // --problem DESC, repeatable
    std::vector<std::string> algorithms; // --algo NAME, repeatable; empty = all registered
    std::vector<std::string> directions; // --dir fwd|bwd_d|bwd_w, repeatable; empty = all three
    int64_t mb = 0;                      // --mb N overrides every problem's minibatch; 0 = keep
    double max_gflop = 0;                // --max-gflop G: problems above G GFLOP are skipped; 0 = none
    int shard = 1, shards = 1;           // --shard K/N: only the K-th of N disjoint parts of the cases
    Layout layout;                       // --layout: the tensors' layout in every case
};

// Whether the cases of this problem and direction ("" for a problem without
// directions) belong to the selection's shard: a stable hash of the suite,
// descriptor and direction, so every case lands in exactly one of N shards
// whatever machine runs it, and one shard computes a problem's reference once.
bool in_shard(const Selection& selection, const std::string& suite, const Problem& p, std::string_view direction);

// "over budget (3.7 GFLOP > 2)" when the algorithm is slow (its properties
// say so: naive, reference) and the problem's GFLOP exceed the budget, which
// 0 turns off; empty otherwise. The same rule in `validate` and `bench`.
std::string over_budget_reason(const Algorithm& algorithm, const Problem& p, double budget_gflop);

// "above --max-gflop (3.7 GFLOP > 2)" for a problem the selection leaves out
// for its size (every algorithm SKIPPED with that reason); empty otherwise.
std::string over_max_gflop_reason(double max_gflop, const Problem& p);

struct SelectedProblem {
    std::string suite;  // shape-file stem, or "cli" for --problem
    ShapeEntry entry;   // with the --mb override applied
};

// Throws UsageError / ShapeFileError / ProblemError with a clear message.
// Notes (skipped option lines) are printed to stderr.
std::vector<SelectedProblem> selected_problems(const Selection& selection);
std::vector<const Algorithm*> selected_algorithms(const Selection& selection);
std::vector<Direction> selected_directions(const Selection& selection);

// The registered algorithm of that name, else a UsageError listing the known ones.
const Algorithm& algorithm_named(const std::string& name);

// Refuses repeats, and, unless allow_oversubscribe, a count above the CPUs
// the affinity mask leaves (usable_cpus(): N threads on fewer CPUs time-share
// them, and every per-thread figure lies), with a UsageError. Returns whether
// some count is above them.
bool check_thread_list(const std::vector<int>& threads, bool allow_oversubscribe);

}  // namespace convlab
