// `convlab validate`: every selected algorithm against the double reference on
// every selected problem and direction (harness/verify/check.hpp), one line a case:
//
//   [  7/120] PASSED   naive  fwd    max rel err 0  mb2ic3ih8oc4kh3ph1n"conv1"
//   [  8/120] FAILED   foo    bwd_d  integer pass: ...; worst dx[0,1,3,2] got 7 expected 8  mb2...
//
// The descriptor comes last so it can be pasted back into --problem. Lines are
// flushed as they come, with the case's time (the first algorithm of a problem
// and direction includes computing the reference), so a long run shows
// progress; on a terminal the case being run is shown while it runs.
//
// Before any case runs, the tensors of every selected case, with the
// checker's copies, are checked to fit in memory: a case that cannot is
// refused (exit status 2, bytes needed and available) rather than failing
// halfway through a long run. Its workspace is known only once the case is
// prepared (each case is prepared once, for its check): a workspace that
// leaves no room refuses the run the same way when that case comes.
// --budget-gflop G skips, with that reason, the slow algorithms (`slow` in
// `convlab list --json`: naive, reference) on problems above G GFLOP, as in
// `bench`. --threads LIST checks each algorithm at each thread count.
// Ctrl-C stops after the case running, prints the summary of the cases done
// and exits with 130; a second Ctrl-C stops at once.
// Exit status 0 when nothing failed, 1 otherwise.
#include <CLI/CLI.hpp>
#include <unistd.h>
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "algorithms/layer_class.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/selection_options.hpp"
#include "harness/run/interrupt.hpp"
#include "harness/verify/memory_guard.hpp"
#include "harness/cli/bench_options.hpp"
#include "harness/run/selection.hpp"
#include "harness/run/conditions.hpp"
#include "harness/run/validate_case.hpp"
#include "harness/io/csv.hpp"
#include "harness/io/metadata.hpp"
#include "harness/io/paths.hpp"

namespace convlab {
namespace {

struct ValidateOptions {
    Selection selection;
    std::vector<int> threads;
    uint64_t seed = 1;
    double budget_gflop = 0;  // 0: no budget
    std::string csv;          // --csv FILE: one row per case
    bool allow_oversubscribe = false;
    DataConditions conditions;  // --data, --ftz
};

// One row of validate's CSV, as `merge` joins shards of it.
// `problem` is null for a line convlab does not do (no layer class).
ResultRow validate_row(const std::string& suite, const std::string& descriptor, const Problem* problem,
                       std::string_view algorithm, std::string_view direction, int threads, const Verdict& v,
                       double seconds, Layout layout, const DataConditions& conditions) {
    const std::string name = problem ? problem->name : "";
    return {{"suite", suite},
            {"layer", name.empty() ? descriptor : name},
            {"descriptor", descriptor},
            {"layer_class", problem ? layer_class(*problem) : ""},
            {"algorithm", std::string(algorithm)},
            {"direction", std::string(direction)},
            {"threads", threads > 0 ? std::to_string(threads) : ""},
            {"status", std::string(to_string(v.status))},
            {"max_abs_err", fmt::format("{:.3g}", v.max_abs_err)},
            {"max_rel_err", fmt::format("{:.3g}", v.max_rel_err)},
            {"max_rel_err_real", fmt::format("{:.3g}", v.max_rel_err_real)},
            {"worst", v.worst},
            {"reason", v.reason},
            {"seconds", seconds >= 0 ? fmt::format("{:.3f}", seconds) : ""},
            {"layout", problem ? to_string(layout) : ""},
            {"data", to_string(conditions.data)},
            {"ftz", conditions.flush_denormals ? "on" : "off"},
            {"isa", std::string(isa_cap_name(isa_cap()))}};
}

struct Tally {
    int64_t counts[4] = {0, 0, 0, 0};  // by Status
    int64_t done = 0, total = 0;
    size_t name_width = 0;
    bool interactive = false;

    void line(Status s, std::string_view algorithm, std::string_view direction, const std::string& detail,
              const std::string& descriptor, double seconds) {
        ++counts[int(s)];
        ++done;
        const int digits = int(std::to_string(total).size());
        if (interactive) fmt::print(stderr, "\33[2K");  // erase the "running" line
        fmt::print("[{:>{}}/{}] {:<11} {:<{}} {:<5}  {}  {}", done, digits, total, to_string(s), algorithm, name_width,
                   direction, detail, descriptor);
        if (seconds >= 0) fmt::print("  ({:.2f}s)", seconds);
        fmt::print("\n");
        std::fflush(stdout);
    }
};

std::string detail_of(const Verdict& v) {
    switch (v.status) {
        case Status::passed: return fmt::format("max rel err {:.3g}, max abs err {:.3g}", v.max_rel_err, v.max_abs_err);
        case Status::failed: return v.worst.empty() ? v.reason : v.reason + "; worst " + v.worst;
        default: return v.reason;
    }
}

// Throws DoesNotFit naming the first case whose tensors, with the checker's
// copies, do not fit in the memory available; nothing is prepared here (the
// workspace is checked on each case's own primitive, validate_case).
void ensure_every_case_fits(const std::vector<SelectedProblem>& problems,
                            const std::vector<const Algorithm*>& algorithms, const std::vector<Direction>& directions,
                            const Selection& selection_of_run) {
    for (const auto& selected : problems) {
        if (selected.entry.unsupported) continue;
        const Problem& p = selected.entry.problem;
        if (!over_max_gflop_reason(selection_of_run.max_gflop, p).empty()) continue;
        for (Direction d : directions)
            for (const Algorithm* algorithm : algorithms) ensure_fits_in_memory(p, d, algorithm->name(), checker_copies);
    }
}

int validate(const ValidateOptions& o) {
    const bool oversubscribed = check_thread_list(o.threads, o.allow_oversubscribe);
    if (!o.csv.empty()) make_directory_of("--csv", o.csv);
    const auto problems = selected_problems(o.selection);
    auto algorithms = selected_algorithms(o.selection);
    const auto directions = selected_directions(o.selection);
    // The reference is what the others are checked against; it is checked
    // against itself only when asked for by name.
    if (o.selection.algorithms.empty())
        std::erase(algorithms, &reference_algorithm());
    ensure_every_case_fits(problems, algorithms, directions, o.selection);
    const InterruptGuard interrupt;

    // On a terminal, the case being run is shown while it runs (the first
    // algorithm of a problem also pays for the reference, which can be long).
    const bool interactive = ::isatty(STDERR_FILENO) && ::isatty(STDOUT_FILENO);
    Tally tally;
    tally.interactive = interactive;
    for (const auto* a : algorithms) tally.name_width = std::max(tally.name_width, a->name().size() + (o.threads.size() > 1 ? 5 : 0));
    tally.name_width = std::max<size_t>(tally.name_width, 1);
    for (const auto& selected : problems) {
        if (selected.entry.unsupported) {
            tally.total += in_shard(o.selection, selected.suite, Problem{}, selected.entry.descriptor);
            continue;
        }
        for (Direction d : directions)
            if (in_shard(o.selection, selected.suite, selected.entry.problem, to_string(d)))
                tally.total += int64_t(algorithms.size() * o.threads.size());
    }
    std::vector<ResultRow> rows;
    const std::filesystem::path csv = o.csv;
    auto record = [&](ResultRow row) {
        if (csv.empty()) return;
        rows.push_back(std::move(row));
        write_results_csv(csv, rows, validate_columns());
    };
    if (!csv.empty()) {
        nlohmann::json metadata = machine_metadata();
        metadata["algorithms"] = algorithms_json();
        metadata["run"] = {{"command", "validate"}, {"threads", o.threads}, {"seed", o.seed},
                           {"budget_gflop", o.budget_gflop}, {"max_gflop", o.selection.max_gflop},
                           {"mb", o.selection.mb}, {"shard", fmt::format("{}/{}", o.selection.shard, o.selection.shards)},
                           {"oversubscribed", oversubscribed}, {"layout", to_string(o.selection.layout)}};
        metadata["data"] = data_conditions_json(o.conditions);
        metadata["isa"] = isa_conditions_json();
        write_json_file(metadata_path_for(csv), metadata);
    }

    for (const auto& selected : problems) {
        if (interrupt.requested()) break;
        const ShapeEntry& entry = selected.entry;
        if (entry.unsupported) {
            if (!in_shard(o.selection, selected.suite, Problem{}, entry.descriptor)) continue;
            tally.line(Status::unsupported, "-", "-", entry.reason, entry.descriptor, -1);
            Verdict v;
            v.status = Status::unsupported, v.reason = entry.reason;
            record(validate_row(selected.suite, entry.descriptor, nullptr, "", "", 0, v, -1, {}, o.conditions));
            continue;
        }
        // Direction outside, algorithm inside: the reference of one problem
        // and direction is computed once for all algorithms.
        for (Direction d : directions) {
            if (!in_shard(o.selection, selected.suite, entry.problem, to_string(d))) continue;
            for (const Algorithm* algorithm : algorithms)
                for (int threads : o.threads) {
                    if (interrupt.requested()) break;
                    const std::string label = o.threads.size() > 1
                                                  ? fmt::format("{}/t{}", algorithm->name(), threads)
                                                  : std::string(algorithm->name());
                    std::string why = over_max_gflop_reason(o.selection.max_gflop, entry.problem);
                    if (why.empty()) why = over_budget_reason(*algorithm, entry.problem, o.budget_gflop);
                    if (!why.empty()) {
                        tally.line(Status::skipped, label, to_string(d), why, entry.problem.str(), -1);
                        Verdict v;
                        v.status = Status::skipped, v.reason = why;
                        record(validate_row(selected.suite, entry.problem.str(), &entry.problem, algorithm->name(),
                                            to_string(d), threads, v, -1, o.selection.layout, o.conditions));
                        continue;
                    }
                    if (interactive)  // what is running now, overwritten by its result line
                        fmt::print(stderr, "[{}/{}] running {} {} {} ...\r", tally.done + 1, tally.total, label,
                                   to_string(d), entry.problem.str());
                    const auto start = std::chrono::steady_clock::now();
                    const Verdict v =
                        validate_case(*algorithm, entry.problem, d, o.seed, threads, o.selection.layout, o.conditions);
                    const double seconds =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                    tally.line(v.status, label, to_string(d), detail_of(v), entry.problem.str(),
                               v.status == Status::skipped ? -1 : seconds);
                    record(validate_row(selected.suite, entry.problem.str(), &entry.problem, algorithm->name(),
                                        to_string(d), threads, v, seconds, o.selection.layout, o.conditions));
                }
        }
    }
    const auto& n = tally.counts;
    fmt::print("{} passed, {} failed, {} skipped, {} unsupported\n", n[int(Status::passed)], n[int(Status::failed)],
               n[int(Status::skipped)], n[int(Status::unsupported)]);
    std::fflush(stdout);
    if (interrupt.requested()) {
        if (interactive) fmt::print(stderr, "\33[2K");  // erase the "running" line
        fmt::print(stderr, "convlab: interrupted after {} of {} cases\n", tally.done, tally.total);
        return interrupted_exit_status;
    }
    return n[int(Status::failed)] > 0 ? 1 : 0;
}

}  // namespace

void add_validate_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "validate", "check algorithms against the double-precision reference: small-integer data exactly, "
                    "real data within each algorithm's tolerance; every output element compared");
    auto options = std::make_shared<ValidateOptions>();
    add_selection_options(*command, options->selection);
    add_thread_list_option(*command, options->threads, options->allow_oversubscribe);
    add_data_options(*command, options->conditions);
    add_isa_option(*command);
    command->add_option("--csv", options->csv,
                        "also write one row per case (descriptor, algorithm, direction, verdict, errors, reason) "
                        "and its .meta.json")
        ->type_name("FILE");
    command->add_option("--budget-gflop", options->budget_gflop,
                        "skip the slow algorithms (naive, reference) on problems above this many GFLOP; "
                        "default: no budget")
        ->type_name("G")
        ->check(CLI::PositiveNumber);
    command->add_option("--seed", options->seed, "seed of the test data (default 1)")
        ->type_name("S")
        ->check(CLI::Validator(
            [](std::string& text) {  // CLI11 would take -1 as 2^64 - 1, silently
                uint64_t n = 0;
                const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
                if (error == std::errc::result_out_of_range) return text + " overflows 64 bits";
                if (error != std::errc() || end != text.data() + text.size())
                    return "must be a whole number, at least 0, not " + text;
                return std::string();
            },
            "S>=0"));
    command->callback([options, &status] { status = validate(*options); });
}

}  // namespace convlab
