// What `validate`, `bench` and the Python module run over, resolved from a Selection.
#include "harness/run/selection.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/measure/affinity.hpp"

namespace convlab {
namespace {

std::string known_algorithms() {
    std::string list;
    for (const auto& algorithm : registry()) list += (list.empty() ? "" : ", ") + std::string(algorithm->name());
    return list;
}

template <class T>
void append_unique(std::vector<T>& list, const T& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::string over_budget_reason(const Algorithm& algorithm, const Problem& p, double budget_gflop) {
    const double gflop = p.flops() / 1e9;
    if (!algorithm.properties().slow || budget_gflop <= 0 || gflop <= budget_gflop) return {};
    return fmt::format("over budget ({:.3g} GFLOP > {:g})", gflop, budget_gflop);
}

std::string over_max_gflop_reason(double max_gflop, const Problem& p) {
    const double gflop = p.flops() / 1e9;
    if (max_gflop <= 0 || gflop <= max_gflop) return {};
    return fmt::format("above --max-gflop ({:.3g} GFLOP > {:g})", gflop, max_gflop);
}

bool in_shard(const Selection& selection, const std::string& suite, const Problem& p, std::string_view direction) {
    if (selection.shards <= 1) return true;
    uint64_t hash = 14695981039346656037ull;  // FNV-1a, the same on every machine
    for (const std::string& part : {suite, p.str(), std::string(direction)})
        for (unsigned char c : part + '\x1f') hash = (hash ^ c) * 1099511628211ull;
    return int(hash % uint64_t(selection.shards)) == selection.shard - 1;
}

std::vector<SelectedProblem> selected_problems(const Selection& selection) {
    if (selection.batches.empty() && selection.problems.empty())
        throw UsageError("no problems selected: give --batch FILE (or a bundled set, e.g. resnet_50) or --problem DESC");
    if (selection.mb < 0) throw UsageError("--mb must be at least 1");
    std::vector<SelectedProblem> selected;
    auto add = [&](std::string suite, ShapeEntry entry) {
        if (!entry.unsupported && selection.mb > 0) entry.problem.mb = selection.mb;
        selected.push_back({std::move(suite), std::move(entry)});
    };
    for (const std::string& batch : selection.batches) {
        const auto path = find_shape_file(batch);
        ShapeFile file = read_shape_file(path);
        for (const std::string& note : file.notes) std::fprintf(stderr, "convlab: note: %s\n", note.c_str());
        for (ShapeEntry& entry : file.entries) add(path.stem().string(), std::move(entry));
    }
    for (const std::string& descriptor : selection.problems) {
        ShapeEntry entry;
        entry.descriptor = descriptor;
        try {
            entry.problem = Problem::parse(descriptor);
        } catch (const UnsupportedProblem& e) {  // a 3-D problem: reported, not an error
            entry.unsupported = true;
            entry.reason = e.what();
        }
        add("cli", std::move(entry));
    }
    return selected;
}

const Algorithm& algorithm_named(const std::string& name) {
    if (const Algorithm* algorithm = find_algorithm(name)) return *algorithm;
    throw UsageError("unknown algorithm '" + name + "' (known: " + known_algorithms() + ")");
}

std::vector<const Algorithm*> selected_algorithms(const Selection& selection) {
    std::vector<const Algorithm*> selected;
    if (selection.algorithms.empty()) {
        for (const auto& algorithm : registry()) selected.push_back(algorithm.get());
        return selected;
    }
    for (const std::string& name : selection.algorithms) append_unique(selected, &algorithm_named(name));
    return selected;
}

std::vector<Direction> selected_directions(const Selection& selection) {
    if (selection.directions.empty()) return {std::begin(all_directions), std::end(all_directions)};
    std::vector<Direction> selected;
    for (const std::string& text : selection.directions) {
        try {
            append_unique(selected, parse_direction(text));
        } catch (const ProblemError& e) {
            throw UsageError(e.what());
        }
    }
    return selected;
}

bool check_thread_list(const std::vector<int>& threads, bool allow_oversubscribe) {
    std::set<int> seen;
    for (int n : threads)
        if (!seen.insert(n).second) throw UsageError(fmt::format("--threads: {} is listed twice", n));
    const int usable = usable_cpus();
    const int most = threads.empty() ? 0 : *std::max_element(threads.begin(), threads.end());
    if (most <= usable) return false;
    if (!allow_oversubscribe)
        throw UsageError(fmt::format("--threads {}: only {} CPU(s) usable by this process (affinity mask); "
                                     "pass --allow-oversubscribe to run anyway",
                                     most, usable));
    return true;
}

}  // namespace convlab
