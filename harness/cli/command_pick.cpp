// `convlab pick RESULTS.csv...`: a plan (one algorithm per layer and
// direction) from bench results, the winners' margins over the runner-up
// against the noise, and the network's time for one training step under the
// plan, the best single algorithm and each baseline. It writes data only
// (`--plan FILE`); scripts/plot_winners.py draws the winners from the plan.
//
// `convlab pick --fit A.csv... --model M.json`: fits the cost model
// (harness/analysis/pick_model.hpp); `--predict` then chooses from the problem
// alone: on EVAL.csv... it is scored against the oracle plan of their times,
// on --batch FILE it prints the predicted plan.
#include <CLI/CLI.hpp>

#include <fstream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "algorithms/registry.hpp"
#include "harness/cli/commands.hpp"
#include "harness/analysis/pick_input.hpp"
#include "harness/analysis/pick_model.hpp"
#include "harness/analysis/pick_plan.hpp"
#include "harness/analysis/pick_report.hpp"
#include "harness/io/metadata.hpp"
#include "harness/io/shape_file.hpp"
#include "harness/measure/peak.hpp"
#include "harness/measure/placement.hpp"

namespace convlab {
namespace {

using namespace convlab::pick;

struct Options {
    std::vector<std::string> csvs, fit, batches;
    std::string plan, model, cache = "warm";
    bool predict = false;
    int threads = 0;
    int64_t mb = 0;
};

using Choice = std::vector<std::map<std::string, std::string>>;

// The competing algorithms' predicted times for one cell, from prepare()
// (declines and workspace) and the model; `allowed` limits them (empty: all).
std::map<std::string, Prediction> predictions(const CostModel& model, const Problem& p, Direction d, int threads,
                                              const MachinePeak& peak, const std::map<std::string, MeasuredTime>* allowed) {
    std::map<std::string, Prediction> out;
    for (const auto& [name, info] : model.algorithms) {
        if (!info.competes() || (allowed && !allowed->count(name))) continue;
        const Algorithm* algorithm = find_algorithm(name);
        if (!algorithm) continue;  // fitted on a build that had it; this one cannot prepare it
        const Prepared prepared = algorithm->prepare(p, d, threads);
        if (!prepared) continue;
        if (auto predicted = predict_time(model, name, p, d, prepared.primitive->workspace_bytes(), peak))
            out[name] = *predicted;
    }
    return out;
}

std::string fastest(const std::map<std::string, Prediction>& predicted) {
    std::string best;
    for (const auto& [name, pr] : predicted)
        if (best.empty() || pr.time_ms < predicted.at(best).time_ms) best = name;
    return best;
}

CostModel fit(const Options& o) {
    std::vector<Sample> samples;
    AlgorithmTable algorithms;
    CostModel model;
    for (const std::string& csv : o.fit) {
        const Results r = read_results({csv}, o.threads, o.cache);
        for (const auto& [name, info] : r.algorithms) algorithms.emplace(name, info);
        const auto s = samples_of(r);
        samples.insert(samples.end(), s.begin(), s.end());
    }
    model = fit_cost_model(samples, algorithms);
    model.sources = o.fit;
    fmt::print("cost model fitted on {} rows of {}\n", samples.size(), fmt::join(o.fit, ", "));
    for (const auto& [algorithm, by_direction] : model.efficiency)
        for (const auto& [direction, by_class] : by_direction) {
            std::vector<std::string> parts;
            for (const auto& [key, e] : by_class) parts.push_back(fmt::format("{} {:.3f} ({})", key, e.value, e.rows));
            fmt::print("  {:<22} {:<6} {}\n", algorithm, direction, fmt::join(parts, "  "));
        }
    if (!o.model.empty()) {
        write_json_file(o.model, cost_model_json(model));
        fmt::print("model: {}\n", o.model);
    }
    return model;
}

CostModel load_model(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw IoError(fmt::format("pick: no such file {}", path));
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded()) throw InputError(fmt::format("pick: {} is not valid JSON", path));
    return cost_model_from_json(json, path);
}

// The predicted plan scored on measured results: the candidates of each cell
// are the competitors measured there that prepare() accepts.
nlohmann::json evaluate(const CostModel& model, const Results& r, Choice& choice) {
    const Measurements& m = r.measurements;
    if (!r.peak) throw InputError(fmt::format("pick: {} has no measured peak", fmt::join(r.sources, ", ")));
    const PickPlan oracle = pick_plan(m, r.algorithms);
    PickPlan predicted_plan(m.layers.size());
    int cells = 0, agree = 0, fallbacks = 0;
    fmt::print("{:<34} {:<6} {:<22} {:>9} {:<22} {:>9} {:>9} {}\n", "layer", "dir", "oracle", "ms", "predicted",
               "pred ms", "meas ms", "");
    for (size_t l = 0; l < m.layers.size(); ++l) {
        const Problem p = Problem::parse(m.layers[l].descriptor);
        for (const auto& [direction, cell] : oracle[l]) {
            const auto& times = m.times[l].at(direction);
            const auto predicted = predictions(model, p, parse_direction(direction), r.threads, *r.peak, &times);
            std::string pick = fastest(predicted);
            const bool fallback = pick.empty();
            if (fallback) ++fallbacks, pick = cell.winner;  // nothing predictable: counted, shown
            ++cells, agree += pick == cell.winner;
            choice[l][direction] = pick;
            Cell chosen = cell;
            chosen.winner = pick, chosen.winner_ms = times.at(pick).time_ms;
            predicted_plan[l][direction] = chosen;
            fmt::print("{:<34} {:<6} {:<22} {:>9.4g} {:<22} {:>9} {:>9.4g} {}\n", m.layers[l].name, direction,
                       cell.winner, cell.winner_ms, pick,
                       fallback ? "-" : fmt::format("{:.4g}", predicted.at(pick).time_ms), chosen.winner_ms,
                       fallback ? "(no prediction: oracle's)" : pick == cell.winner ? "" : "differs");
        }
    }
    const double oracle_ms = plan_total_ms(m, oracle), predicted_ms = plan_total_ms(m, predicted_plan);
    nlohmann::json totals = {{"oracle", oracle_ms}, {"predicted", predicted_ms}};
    fmt::print("\nmeasured times of one training step, {} thread(s):\n  oracle plan    {:.4g} ms\n  predicted plan "
               "{:.4g} ms  ({:.3f}x the oracle)\n",
               r.threads, oracle_ms, predicted_ms, predicted_ms / oracle_ms);
    if (auto best = best_single(m, oracle, r.algorithms)) {
        const double single_ms = algorithm_total(m, oracle, *best).ms;
        totals["best_single"] = {{"algorithm", *best}, {"ms", single_ms}};
        fmt::print("  best single    {:.4g} ms  ({})\n", single_ms, *best);
        if (single_ms > oracle_ms) {
            const double recovered = (single_ms - predicted_ms) / (single_ms - oracle_ms);
            totals["recovered"] = recovered;
            fmt::print("  the predicted plan recovers {:.1f}% of the time the oracle saves over {} (speedup {:.3f}x "
                       "of the oracle's {:.3f}x)\n",
                       100 * recovered, *best, single_ms / predicted_ms, single_ms / oracle_ms);
        } else {
            fmt::print("  the oracle saves nothing over {}: no speedup to recover\n", *best);
        }
    } else {
        fmt::print("  best single: none of convlab's algorithms ran every layer and direction\n");
    }
    totals["agreement"] = cells ? double(agree) / cells : 0.0;
    fmt::print("  per-cell agreement with the oracle: {} of {} ({:.1f}%); {} cells without a prediction\n", agree,
               cells, cells ? 100.0 * agree / cells : 0.0, fallbacks);
    return totals;
}

// The predicted plan of problems no one timed, on this machine's measured peak.
nlohmann::json predict_problems(const CostModel& model, const Options& o, Measurements& m, Choice& choice,
                                int& threads) {
    threads = o.threads ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const PeakFigures figures = measure_peak({threads});
    const MachinePeak peak{fma_peak_at(figures, threads), figures.triad_gb_s};
    fmt::print("machine: {:.1f} GFLOP/s FMA at {} thread(s), triad {:.1f} GB/s (measured now)\n", peak.fma_gflops,
               threads, peak.triad_gb_s);
    fmt::print("{:<34} {:<6} {:<22} {:>9} {:>9}\n", "layer", "dir", "predicted", "pred ms", "x weight");
    double total = 0;
    for (const std::string& batch : o.batches)
        for (ShapeEntry& e : read_shape_file(find_shape_file(batch)).entries) {
            if (e.unsupported) continue;
            Problem p = e.problem;
            if (o.mb) p.mb = o.mb;
            const std::string name = p.name.empty() ? p.str() : p.name;
            m.layers.push_back({name, p.str(), p.weight});
            choice.emplace_back();
            for (Direction d : all_directions) {
                const auto predicted = predictions(model, p, d, threads, peak, nullptr);
                const std::string pick = fastest(predicted);
                if (pick.empty()) {
                    fmt::print("{:<34} {:<6} (no algorithm the model knows accepts it)\n", name, to_string(d));
                    continue;
                }
                const double ms = predicted.at(pick).time_ms;
                total += double(p.weight) * ms;
                choice.back()[std::string(to_string(d))] = pick;
                fmt::print("{:<34} {:<6} {:<22} {:>9.4g} {:>9.4g}\n", name, to_string(d), pick, ms, p.weight * ms);
            }
        }
    fmt::print("predicted time of one training step: {:.4g} ms\n", total);
    return {{"predicted", total}};
}

int run_pick(const Options& o) {
    if (o.predict && o.fit.empty() && o.model.empty())
        throw UsageError("pick: --predict needs a model: --model FILE or --fit CSV...");
    if (o.predict && o.csvs.empty() && o.batches.empty())
        throw UsageError("pick: --predict needs problems: EVAL.csv... or --batch FILE");
    if (!o.predict && o.csvs.empty() && o.fit.empty()) throw UsageError("pick: give one or more results CSVs");
    if (!o.predict && !o.fit.empty() && o.model.empty())
        throw UsageError("pick: --fit without --predict needs --model FILE to write the model to");
    std::optional<CostModel> model;
    if (!o.fit.empty()) model = fit(o);
    if (!o.predict && o.csvs.empty()) return 0;
    if (o.predict && !model) model = load_model(o.model);

    Measurements measured;
    Choice choice;
    nlohmann::json totals, decisions;
    std::vector<std::string> sources = o.csvs;
    AlgorithmTable algorithms = model ? model->algorithms : AlgorithmTable{};
    int threads = 0;
    if (o.predict && o.csvs.empty()) {
        totals = predict_problems(*model, o, measured, choice, threads);
        sources = o.batches;
    } else {
        const Results r = read_results(o.csvs, o.threads, o.cache);
        for (const auto& [name, info] : r.algorithms) algorithms.emplace(name, info);
        measured = r.measurements, threads = r.threads;
        choice.resize(measured.layers.size());
        if (o.predict) {
            totals = evaluate(*model, r, choice);
        } else {
            const PickPlan plan = pick_plan(measured, r.algorithms);
            print_cells(r, plan);
            totals = print_totals(r, plan);
            decisions = decisions_json(measured, plan);
            for (size_t l = 0; l < plan.size(); ++l)
                for (const auto& [direction, cell] : plan[l]) choice[l][direction] = cell.winner;
        }
    }
    nlohmann::json plan = plan_json(measured, choice, algorithms, totals, sources, threads);
    if (!decisions.is_null()) plan.update(decisions);
    if (!o.plan.empty()) {
        write_json_file(o.plan, plan);
        fmt::print("plan: {}\n", o.plan);
    }
    return 0;
}

}  // namespace

void add_pick_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "pick", "choose an algorithm per layer and direction from bench results (or predict one with a cost model)");
    auto o = std::make_shared<Options>();
    command->add_option("RESULTS", o->csvs, "bench CSVs (with their meta.json; the raw JSON adds the repetitions)")
        ->type_name("CSV...");
    command->add_option("--plan", o->plan, "write the plan as JSON (scripts/plot_winners.py draws it)")
        ->type_name("FILE");
    command->add_option("--threads", o->threads, "the rows of this thread count (default: the largest)")
        ->type_name("N")
        ->check(CLI::Range(1, 4096));
    command->add_option("--cache", o->cache, "warm or cold rows (default warm)")->check(CLI::IsMember({"warm", "cold"}));
    command->add_option("--fit", o->fit, "fit the cost model on these bench CSVs")->type_name("CSV...");
    command->add_option("--model", o->model, "the cost model: written by --fit, read by --predict")->type_name("FILE");
    command->add_flag("--predict", o->predict, "choose by the cost model; scored against the RESULTS' times");
    command->add_option("--batch", o->batches, "with --predict: problems no one timed (a shape file or set name)")
        ->type_name("FILE");
    command->add_option("--mb", o->mb, "with --batch: override the minibatch")->check(CLI::Range(1, 1 << 20));
    command->callback([o, &status] { status = run_pick(*o); });
}

}  // namespace convlab
