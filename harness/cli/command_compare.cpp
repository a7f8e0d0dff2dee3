// `convlab compare A.csv B.csv`: two bench runs (two commits, two machines,
// warm against cold) side by side. Per row present in both (same suite,
// layer, descriptor, algorithm, direction, threads, cache): the medians, the
// ratio B/A of the median times, and whether the difference is significant
// by the two-sided Mann-Whitney U test on the repetitions kept in each run's
// raw results (analysis/raw_results_reader.hpp; as Google Benchmark's
// compare.py does); then the geometric mean
// of the ratios. CSVs whose columns differ, or that share no row, are refused
// (exit 2): comparing them would compare nothing.
#include <CLI/CLI.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/analysis/raw_results_reader.hpp"
#include "harness/analysis/significance.hpp"
#include "harness/run/bench_case.hpp"
#include "harness/cli/commands.hpp"
#include "harness/io/csv.hpp"
#include "harness/measure/stats.hpp"

namespace convlab {
namespace {

struct Run {
    std::filesystem::path csv, json;
    std::vector<ResultRow> rows;
    std::map<std::string, std::vector<double>> repetitions;  // benchmark name -> each repetition's ms
};

// The columns of a results CSV but the phase_<name>_ms ones, which depend on
// the algorithms a run happened to include, and those runs older than them
// lack: gflop_useful and layer_class (they follow from the descriptor, and
// compare reads times) and the measurement checks' suspect, sentinel_ratio,
// disturbed, retimed.
std::set<std::string> columns_of(const std::filesystem::path& path) {
    static const std::set<std::string> added_later = {"gflop_useful", "layer_class", "suspect",
                                                         "sentinel_ratio", "disturbed", "retimed"};
    std::ifstream in(path);
    std::string header;
    std::getline(in, header);
    std::set<std::string> columns;
    for (const std::string& column : parse_csv(header + "\n").header)
        if (!column.starts_with("phase_") && !added_later.count(column)) columns.insert(column);
    return columns;
}

Run read_run(const std::string& csv, const std::string& json) {
    Run run;
    run.csv = csv;
    if (!std::filesystem::is_regular_file(run.csv)) throw IoError(fmt::format("compare: no such file {}", csv));
    run.rows = read_results_csv(run.csv);
    run.json = json.empty() ? std::filesystem::path(csv).replace_extension(".json") : std::filesystem::path(json);
    // No raw results: medians only, no test.
    run.repetitions = read_raw_results(run.json).repetition_ms;
    return run;
}

int compare(const std::string& a_csv, const std::string& b_csv, const std::string& a_json, const std::string& b_json,
            double alpha) {
    const Run a = read_run(a_csv, a_json), b = read_run(b_csv, b_json);
    const std::set<std::string> a_columns = columns_of(a.csv), b_columns = columns_of(b.csv);
    if (a_columns != b_columns) {
        std::vector<std::string> only_a, only_b;
        for (const auto& c : a_columns)
            if (!b_columns.count(c)) only_a.push_back(c);
        for (const auto& c : b_columns)
            if (!a_columns.count(c)) only_b.push_back(c);
        throw InputError(fmt::format("compare: the CSVs have different columns (only in {}: {}; only in {}: {})",
                                     a_csv, fmt::join(only_a, " "), b_csv, fmt::join(only_b, " ")));
    }
    std::map<std::string, const ResultRow*> in_b;
    for (const auto& row : b.rows) in_b[result_key(row)] = &row;

    fmt::print("{:<40} {:<22} {:<6} {:>3} {:>10} {:>10} {:>7} {:>9}  {}\n", "layer", "algorithm", "dir", "t", "A ms",
               "B ms", "B/A", "p", "difference");
    size_t shared = 0, significant = 0;
    double log_sum = 0;
    size_t ratios = 0;
    for (const auto& row_a : a.rows) {
        auto found = in_b.find(result_key(row_a));
        if (found == in_b.end()) continue;
        ++shared;
        const ResultRow& row_b = *found->second;
        const double ms_a = row_number(row_a, "time_ms_median"), ms_b = row_number(row_b, "time_ms_median");
        if (row_a.at("status") != "PASSED" || row_b.at("status") != "PASSED" || ms_a <= 0 || ms_b <= 0) continue;
        const double ratio = ms_b / ms_a;
        log_sum += std::log(ratio), ++ratios;
        std::string p_text = "-", verdict = "n/a (no repetitions in the raw JSON)";
        const std::string name = benchmark_name(row_a);
        auto reps_a = a.repetitions.find(name), reps_b = b.repetitions.find(name);
        if (reps_a != a.repetitions.end() && reps_b != b.repetitions.end() &&
            enough_repetitions_for_test(reps_a->second.size(), reps_b->second.size())) {
            const RepetitionComparison c = compare_repetitions(reps_a->second, reps_b->second, alpha);
            p_text = fmt::format("{:.3g}", c.test.p_value);
            verdict = c.significant ? (ratio < 1 ? "faster (significant)" : "slower (significant)") : "not significant";
            if (!c.enough_repetitions) verdict += ", few repetitions";
            significant += c.significant;
        } else if (reps_a != a.repetitions.end() && reps_b != b.repetitions.end()) {
            verdict = fmt::format("n/a (too few repetitions: the test needs {} a side)", min_repetitions_for_test);
        }
        fmt::print("{:<40} {:<22} {:<6} {:>3} {:>10.4g} {:>10.4g} {:>7.3f} {:>9}  {}\n", row_a.at("layer"),
                   row_a.at("algorithm"), row_a.at("direction"), row_a.at("threads"), ms_a, ms_b, ratio, p_text,
                   verdict);
    }
    if (shared == 0)
        throw InputError(fmt::format("compare: {} and {} share no row (suite, layer, descriptor, algorithm, "
                                     "direction, threads, cache)",
                                     a_csv, b_csv));
    fmt::print("{} rows in both, {} timed in both, {} significantly different (p < {:g}); geometric mean of B/A "
               "time ratios {:.3f}\n",
               shared, ratios, significant, alpha, ratios ? std::exp(log_sum / double(ratios)) : 0.0);
    return 0;
}

}  // namespace

void add_compare_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "compare", "compare two bench CSVs row by row: ratio of medians and Mann-Whitney U on the repetitions");
    struct Options {
        std::string a, b, a_json, b_json;
        double alpha = significance_alpha;
    };
    auto o = std::make_shared<Options>();
    command->add_option("A", o->a, "the first results CSV")->required()->type_name("A.csv");
    command->add_option("B", o->b, "the second results CSV")->required()->type_name("B.csv");
    command->add_option("--json-a", o->a_json, "A's raw JSON (default: A with .json)")->type_name("FILE");
    command->add_option("--json-b", o->b_json, "B's raw JSON (default: B with .json)")->type_name("FILE");
    command->add_option("--alpha", o->alpha, "significance level (default 0.05)")
        ->type_name("P")
        ->check(CLI::Range(1e-9, 0.5));
    command->callback([o, &status] { status = compare(o->a, o->b, o->a_json, o->b_json, o->alpha); });
}

}  // namespace convlab
