// The options `validate` and `bench` share, and what they select.
#include "harness/cli/selection.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/cli/commands.hpp"
#include "harness/measure/affinity.hpp"

namespace convlab {
namespace {

// A repeatable option taking exactly one value per occurrence, so
// "--problem A --problem B" is the only way to give two (no silent swallowing
// of a following word).
template <class T>
CLI::Option* add_repeatable(CLI::App& command, const std::string& name, std::vector<T>& values,
                            const std::string& help) {
    return command.add_option(name, values, help)
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

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

void add_selection_options(CLI::App& command, Selection& selection) {
    command.add_option_function<std::string>(
               "--shard",
               [&selection](const std::string& text) {
                   int k = 0, n = 0;
                   char slash = 0, rest = 0;
                   if (std::sscanf(text.c_str(), "%d%c%d%c", &k, &slash, &n, &rest) != 3 || slash != '/' || n < 1 ||
                       k < 1 || k > n || n > 100000)
                       throw CLI::ValidationError("--shard", "expected K/N with 1 <= K <= N, got '" + text + "'");
                   selection.shard = k, selection.shards = n;
               },
               "run only the K-th of N disjoint shards of the cases (a stable split), e.g. 2/8")
        ->type_name("K/N");
    command.add_option("--max-gflop", selection.max_gflop,
                       "skip every algorithm on problems above this many GFLOP (default 0: none)")
        ->type_name("G")
        ->check(CLI::NonNegativeNumber);
    add_repeatable(command, "--batch", selection.batches,
                   "shape file: a path or a bundled set (resnet_50, vgg_19, ...); repeatable")
        ->type_name("FILE");
    add_repeatable(command, "--problem", selection.problems,
                   "a problem in benchdnn descriptor syntax, e.g. mb2ic64ih56oc64kh3ph1; repeatable")
        ->type_name("DESC");
    add_repeatable(command, "--algo", selection.algorithms, "an algorithm (see `convlab list`); repeatable; default all")
        ->type_name("NAME");
    add_repeatable(command, "--dir", selection.directions, "fwd, bwd_d or bwd_w; repeatable; default all three")
        ->type_name("DIR")
        ->check(CLI::IsMember({"fwd", "bwd_d", "bwd_w"}));
    command.add_option("--mb", selection.mb, "override every problem's minibatch (>= 1)")
        ->type_name("N")
        ->check(CLI::Validator(
            [](std::string& text) {
                // from_chars, not CLI11's conversion, which saturates a value
                // past 64 bits to the largest one instead of refusing it.
                int64_t n = 0;
                const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
                if (error == std::errc::result_out_of_range) return text + " overflows 64 bits";
                if (error != std::errc() || end != text.data() + text.size() || n < 1)
                    return "must be a whole number, at least 1, not " + text;
                return std::string();
            },
            "N>=1"));
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

void add_threads_option(CLI::App& command, int& threads) {
    threads = all_cores();
    command.add_option("--threads", threads, fmt::format("threads for OpenMP and OpenBLAS (default {}: all cores)", threads))
        ->type_name("N")
        ->check(CLI::Range(1, 4096));
}

void add_thread_list_option(CLI::App& command, std::vector<int>& threads, bool& allow_oversubscribe) {
    threads = {all_cores()};
    command
        .add_option("--threads", threads,
                    fmt::format("comma list of thread counts, each a case of its own (default {}: all cores)",
                                threads.front()))
        ->type_name("LIST")
        ->delimiter(',')
        ->check(CLI::Range(1, 4096));
    command.add_flag("--allow-oversubscribe", allow_oversubscribe,
                     "run more threads than the CPUs this process may use (taskset, cpuset); the metadata "
                     "records oversubscribed and the peak self-check judges the figures");
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
