// What `validate` and `bench` run over: problems from shape files and
// descriptors, algorithms, directions, a minibatch override. Shared options,
// so both commands read the same way.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "harness/shape_file.hpp"

namespace CLI {
class App;
}

namespace convlab {

struct Selection {
    std::vector<std::string> batches;    // --batch FILE (a path or a bundled set name), repeatable
    std::vector<std::string> problems;   // --problem DESC, repeatable
    std::vector<std::string> algorithms; // --algo NAME, repeatable; empty = all registered
    std::vector<std::string> directions; // --dir fwd|bwd_d|bwd_w, repeatable; empty = all three
    int64_t mb = 0;                      // --mb N overrides every problem's minibatch; 0 = keep
};

// Adds --batch, --problem, --algo, --dir, --mb to a subcommand.
void add_selection_options(CLI::App& command, Selection& selection);

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

// --threads N (N >= 1; 0, the default, keeps OpenMP's and OpenBLAS's own count),
// applied with apply_threads before any work.
void add_threads_option(CLI::App& command, int& threads);
void apply_threads(int threads);

}  // namespace convlab
