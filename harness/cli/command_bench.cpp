// `convlab bench`: every selected algorithm x direction x problem x thread
// count is checked against the reference, then timed with Google Benchmark,
// one benchmark at a time, into a tidy CSV (harness/io/csv.hpp), Google
// Benchmark's raw JSON and the run's metadata (harness/io/metadata.hpp):
//
//   results/x.csv        one row per case, rewritten atomically after every row
//   results/x.json       the raw results (--json): Google Benchmark's records,
//                        every repetition, as JSON lines appended after every
//                        row and kept across --resume (io/raw_results_writer.hpp)
//   results/x.meta.json  machine, its measured peak, the algorithms' metadata,
//                        compiler, libraries, commit, command line
//
// Running one benchmark per RunSpecifiedBenchmarks call gives a line per case
// on stderr (verdict, GFLOP/s, fraction of the measured peak, ratio to the
// fastest baseline so far, time left), a row on disk as soon as it finishes,
// and a clean stop on Ctrl-C: the current case finishes, the files are
// written, and --resume carries on where it stopped (a second Ctrl-C kills).
// Exit status: 0, 1 when a check FAILED, 130 when interrupted.
#include <CLI/CLI.hpp>
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "algorithms/registry.hpp"
#include "harness/run/bench_case.hpp"
#include "harness/run/conditions.hpp"
#include "harness/cli/bench_options.hpp"
#include "harness/cli/commands.hpp"
#include "harness/cli/selection_options.hpp"
#include "harness/io/csv.hpp"
#include "harness/io/paths.hpp"
#include "harness/io/raw_results_writer.hpp"
#include "harness/analysis/raw_results_reader.hpp"
#include "harness/run/interrupt.hpp"
#include "harness/io/metadata.hpp"
#include "harness/measure/peak.hpp"

namespace convlab {
namespace {

struct BenchCommandOptions {
    Selection selection;
    std::vector<int> threads;
    CaseSettings settings;
    std::string csv, json;
    bool resume = false, verbose = false, allow_oversubscribe = false;
};

// Google Benchmark reads its own flags (display format, colour, ...) from an argv.
void initialize_google_benchmark(const std::vector<std::string>& flags) {
    // Google Benchmark keeps argv[0] (its context's executable name): static.
    static std::vector<std::string> storage;
    storage = {"convlab bench"};
    storage.insert(storage.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    int argc = int(storage.size());
    benchmark::Initialize(&argc, argv.data());
    if (argc > 1) throw UsageError(fmt::format("bench: Google Benchmark does not know '{}'", argv[1]));
}

struct Case {
    const SelectedProblem* problem;
    const Algorithm* algorithm;  // null for an unsupported problem
    Direction direction;
    int threads;
};

std::string progress_label(const Case& c, bool several_thread_counts) {
    if (!c.algorithm) return fmt::format("unsupported {}", c.problem->entry.descriptor);
    const Problem& p = c.problem->entry.problem;
    std::string label = fmt::format("{} {} {}", c.algorithm->name(), to_string(c.direction),
                                    p.name.empty() ? p.str() : p.name);
    return several_thread_counts ? label + fmt::format(" t{}", c.threads) : label;
}

// The fastest baseline row (Properties::baseline) of the same layer,
// direction and thread count among the rows so far: "1.12x onednn_native".
std::string versus_best_baseline(const ResultRow& row, const std::vector<ResultRow>& rows) {
    double best = 0;
    std::string best_name;
    for (const ResultRow& other : rows) {
        const Algorithm* a = find_algorithm(other.count("algorithm") ? other.at("algorithm") : "");
        if (!a || !a->properties().baseline || other.at("status") != "PASSED") continue;
        if (other.at("layer") != row.at("layer") || other.at("direction") != row.at("direction") ||
            other.at("threads") != row.at("threads"))
            continue;
        if (double rate = row_number(other, "gflops_median"); rate > best) best = rate, best_name = other.at("algorithm");
    }
    const double mine = row_number(row, "gflops_median");
    if (best <= 0 || mine <= 0) return {};
    return fmt::format("  {:.2f}x {}", mine / best, best_name);
}

// One line a finished case: verdict, speed, where it stands.
std::string outcome(const ResultRow& row, const std::vector<ResultRow>& rows) {
    const std::string status = row.count("status") ? row.at("status") : "?";
    if (status == "SKIPPED" || status == "UNSUPPORTED") return fmt::format("{}: {}", status, row.at("reason"));
    std::string text = fmt::format("{} {:.4g} GFLOP/s", status, row_number(row, "gflops_median"));
    if (double fraction = row_number(row, "peak_fraction"); fraction > 0) text += fmt::format("  {:.2f} of peak", fraction);
    text += versus_best_baseline(row, rows);
    if (row.count("noisy") && row.at("noisy") == "1") text += fmt::format("  noisy ({:.0f}% IQR)", 100 * row_number(row, "spread"));
    if (row.count("disturbed") && row.at("disturbed") == "1")
        text += fmt::format("  disturbed (sentinel {:.2f}x its best)", row_number(row, "sentinel_ratio"));
    if (status == "FAILED") text += "  " + row.at("reason");
    if (row.count("suspect") && !row.at("suspect").empty()) text += "  WARNING: suspect: " + row.at("suspect");
    return text;
}

// The raw results file of a run: emptied for a fresh run; resumed, the
// earlier run's lines stay (a torn last line cut off) and this run's follow.
// A row its CSV lost is run again, and the reader keeps only the latest
// session's repetitions of it (analysis/raw_results_reader.hpp).
RawResultsWriter raw_results_writer(const std::filesystem::path& path, bool resume) {
    if (!resume) return RawResultsWriter::start_over(path);
    const RawResults earlier = read_raw_results(path);
    if (earlier.single_document)
        throw InputError(fmt::format("--resume: {} is an older convlab's raw JSON (one document), which cannot be "
                                     "appended to; move it away or rerun without --resume",
                                     path.string()));
    return RawResultsWriter::continue_after(path, earlier.torn_line_at);
}

int bench(const BenchCommandOptions& o, const std::vector<std::string>& extras) {
    CaseSettings settings = o.settings;
    settings.max_gflop = o.selection.max_gflop;
    settings.layout = o.selection.layout;
    const bool oversubscribed = check_thread_list(o.threads, o.allow_oversubscribe);
    const std::vector<int>& thread_counts = o.threads;
    initialize_google_benchmark(benchmark_passthrough(extras));

    const auto problems = selected_problems(o.selection);
    const auto algorithms = selected_algorithms(o.selection);
    const auto directions = selected_directions(o.selection);
    const std::filesystem::path csv = o.csv;
    const std::filesystem::path json = o.json.empty() ? std::filesystem::path(csv).replace_extension(".json") : std::filesystem::path(o.json);
    const std::filesystem::path meta = metadata_path_for(csv);
    make_directory_of("--csv", csv);

    std::vector<ResultRow> rows = o.resume ? read_results_csv(csv) : std::vector<ResultRow>{};
    std::set<std::string> done;
    for (const auto& row : rows) done.insert(result_key(row));
    std::vector<Case> cases;
    for (const auto& selected : problems) {
        if (selected.entry.unsupported) {
            if (in_shard(o.selection, selected.suite, Problem{}, selected.entry.descriptor) &&
                !done.count(result_key(unsupported_row(selected))))
                cases.push_back({&selected, nullptr, Direction::fwd, 0});
            continue;
        }
        // Problem, then direction outside the algorithms: the checker computes
        // the reference of a problem and direction once for all algorithms.
        for (Direction d : directions) {
            if (!in_shard(o.selection, selected.suite, selected.entry.problem, to_string(d))) continue;
            for (const Algorithm* a : algorithms)
                for (int t : thread_counts)
                    if (!done.count(result_key(case_identity(selected, a->name(), d, t, settings.timing.cold_cache,
                                                                   settings.layout, settings.conditions))))
                        cases.push_back({&selected, a, d, t});
        }
    }
    if (o.resume)
        std::fprintf(stderr, "convlab: resuming: %zu rows already in %s, %zu to run\n", rows.size(),
                     csv.string().c_str(), cases.size());

    RawResultsWriter raw = raw_results_writer(json, o.resume);
    std::fprintf(stderr, "convlab: measuring the machine's peak (FMA at %zu thread count(s), memory bandwidth) ...\n",
                 thread_counts.size());
    const PeakFigures peak = measure_peak(thread_counts);
    settings.peak = &peak;
    for (const auto& [n, why] : peak.peak_suspect)
        std::fprintf(stderr, "convlab: WARNING: the %d-thread FMA peak is suspect: %s\n", n, why.c_str());
    nlohmann::json metadata = machine_metadata();
    metadata["peak"] = peak_json(peak);
    metadata["algorithms"] = algorithms_json();
    metadata["run"] = {{"threads", thread_counts}, {"repetitions", settings.timing.repetitions},
                       {"min_time_s", settings.timing.min_time_s}, {"budget_gflop", settings.budget_gflop},
                       {"check_mb", settings.check_mb}, {"csv", csv.string()}, {"json", json.string()},
                       {"resume", o.resume}, {"completed", false},
                       {"cache", settings.timing.cold_cache ? "cold" : "warm"},
                       {"shard", fmt::format("{}/{}", o.selection.shard, o.selection.shards)},
                       {"max_gflop", settings.max_gflop}, {"oversubscribed", oversubscribed},
                       {"layout", to_string(settings.layout)},
                       {"sentinel", fmt::format("sentinel_ratio: the slower of two ~1 ms FMA sentinels on the "
                                                "case's threads around its timing, over the run's best at that "
                                                "thread count; above {} the case is timed once more (retimed) "
                                                "and, still above, marked disturbed",
                                                disturbed_ratio)},
                       {"phases", "phase_<name>_ms: mean per call over up to 3 separate untimed calls after "
                                  "timing; summed over threads when a phase runs in parallel"}};
    metadata["data"] = data_conditions_json(settings.conditions);
    metadata["isa"] = isa_conditions_json();
    write_json_file(meta, metadata);

    BenchSession session(o.verbose);
    NoiseSentinel sentinel(fma_sentinel_probe());
    settings.sentinel = &sentinel;
    InterruptGuard interrupt;
    const auto start = std::chrono::steady_clock::now();
    size_t finished = 0;
    bool raw_written = false;  // this session's lines begin with Google Benchmark's context
    const int digits = int(std::to_string(cases.size()).size());
    for (const Case& c : cases) {
        if (interrupt.requested()) break;
        std::optional<ResultRow> row = c.algorithm ? run_case(*c.algorithm, *c.problem, c.direction, c.threads,
                                                              settings, session)
                                                   : unsupported_row(*c.problem);
        ++finished;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const std::string eta =
            finished == cases.size()
                ? "done"
                : format_duration(elapsed / double(finished) * double(cases.size() - finished)) + " left";
        if (!row) continue;
        std::fprintf(stderr, "[%*zu/%zu] %-44s %s  (%s)\n", digits, finished, cases.size(),
                     progress_label(c, thread_counts.size() > 1).c_str(), outcome(*row, rows).c_str(), eta.c_str());
        rows.push_back(std::move(*row));
        // The raw results first, then the CSV, after every row: a run killed
        // at any point keeps the repetitions of every row its CSV holds.
        std::vector<nlohmann::json> lines = session.take_records();
        if (!lines.empty() && !raw_written) {
            lines.insert(lines.begin(), nlohmann::json{{"context", session.context()}});
            raw_written = true;
        }
        raw.append(lines);
        write_results_csv(csv, rows);
    }

    metadata["benchmark_context"] = session.context();
    const bool interrupted = interrupt.requested();
    metadata["run"]["completed"] = !interrupted;
    metadata["run"]["cases_run"] = finished;
    metadata["run"]["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_json_file(meta, metadata);

    size_t failed = 0;
    for (const auto& row : rows) failed += row.count("status") && row.at("status") == "FAILED";
    std::fprintf(stderr, "convlab: %zu rows (%zu FAILED) in %s; raw JSON %s; metadata %s\n", rows.size(), failed,
                 csv.string().c_str(), raw_written ? json.string().c_str() : "(none)", meta.string().c_str());
    if (interrupted) {
        std::fprintf(stderr, "convlab: interrupted after %zu of %zu cases; rerun with --resume to continue\n",
                     finished, cases.size());
        return interrupted_exit_status;
    }
    return failed > 0 ? 1 : 0;
}

}  // namespace

void add_bench_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "bench", "check, then time algorithms with Google Benchmark into a tidy CSV, the raw JSON and metadata; "
                 "extra --benchmark_* flags go to Google Benchmark");
    auto options = std::make_shared<BenchCommandOptions>();
    add_selection_options(*command, options->selection);
    add_thread_list_option(*command, options->threads, options->allow_oversubscribe);
    CaseSettings& settings = options->settings;
    add_data_options(*command, settings.conditions);
    add_isa_option(*command);
    command->add_option("--repetitions", settings.timing.repetitions, "repetitions of each benchmark (default 5)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000));
    command->add_option("--min-time", settings.timing.min_time_s, "minimum seconds per repetition (default 0.1)")
        ->type_name("S")
        ->check(CLI::Range(1e-6, 3600.0));
    command->add_option("--csv", options->csv, "the tidy results CSV (required)")->type_name("FILE")->required();
    command->add_option("--json", options->json,
                        "the raw results: Google Benchmark's record of every repetition, one JSON object a line, "
                        "appended after every case (default: the CSV's name, .json)")
        ->type_name("FILE");
    command->add_option("--budget-gflop", settings.budget_gflop,
                        "skip the slow algorithms (naive, reference) on problems above this many GFLOP; "
                        "0: no budget (default 2)")
        ->type_name("G")
        ->check(CLI::NonNegativeNumber);
    command->add_option("--check-mb", settings.check_mb,
                        "minibatch of the correctness check (default: the problem's own)")
        ->type_name("N")
        ->check(CLI::Range(int64_t(1), int64_t(1) << 30));
    command->add_flag("--resume", options->resume, "keep the rows already in the CSV and run only the others");
    command->add_flag("--cold-cache", settings.timing.cold_cache,
                      "evict the caches (touch twice the last-level cache) before every timed call, outside "
                      "the timing");
    command->add_flag("--verbose", options->verbose, "show Google Benchmark's own console table too");
    command->allow_extras();
    command->callback([options, command, &status] {
        status = bench(*options, command->remaining());
    });
}

}  // namespace convlab
