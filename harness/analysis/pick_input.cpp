#include "harness/analysis/pick_input.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "algorithms/errors.hpp"
#include "harness/analysis/raw_results_reader.hpp"
#include "harness/analysis/significance.hpp"
#include "harness/io/benchmark_names.hpp"
#include "harness/io/csv.hpp"
#include "harness/io/metadata.hpp"

namespace convlab::pick {
namespace {

nlohmann::json read_json(const std::filesystem::path& path, const std::string& what) {
    std::ifstream in(path);
    if (!in) throw IoError(fmt::format("pick: no {} {} (bench writes it beside the CSV)", what, path.string()));
    nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded()) throw InputError(fmt::format("pick: {} is not valid JSON", path.string()));
    return json;
}

double number(const ResultRow& row, const char* column, const std::string& csv) {
    auto it = row.find(column);
    try {
        if (it != row.end() && !it->second.empty()) return std::stod(it->second);
    } catch (const std::exception&) {
    }
    throw InputError(fmt::format("pick: {}: a PASSED row of {} has no number in column {}", csv,
                                 row.count("layer") ? row.at("layer") : "?", column));
}

void merge_algorithms(AlgorithmTable& table, const nlohmann::json& meta, const std::string& where) {
    if (!meta.contains("algorithms") || !meta["algorithms"].is_array())
        throw InputError(fmt::format("pick: {} has no \"algorithms\" metadata (run bench again)", where));
    for (const auto& a : meta["algorithms"]) {
        AlgorithmInfo info{a.value("family", ""), a.value("baseline", false), a.value("slow", false)};
        const std::string name = a.value("name", "");
        auto [it, added] = table.emplace(name, info);
        if (!added && (it->second.family != info.family || it->second.baseline != info.baseline ||
                       it->second.slow != info.slow))
            throw InputError(fmt::format("pick: {} describes algorithm {} differently from an earlier CSV", where, name));
    }
}

}  // namespace

Results read_results(const std::vector<std::string>& csvs, int threads, const std::string& cache) {
    Results results;
    results.cache = cache;
    std::vector<std::vector<ResultRow>> tables;
    std::vector<nlohmann::json> metas;
    for (const std::string& csv : csvs) {
        if (!std::filesystem::is_regular_file(csv)) throw IoError(fmt::format("pick: no such file {}", csv));
        tables.push_back(read_results_csv(csv));
        const std::filesystem::path meta_path = metadata_path_for(csv);
        metas.push_back(read_json(meta_path, "metadata"));
        merge_algorithms(results.algorithms, metas.back(), meta_path.string());
        results.sources.push_back(csv);
    }
    if (threads == 0)
        for (const auto& rows : tables)
            for (const auto& row : rows)
                if (row.count("status") && row.at("status") == "PASSED")
                    threads = std::max(threads, int(number(row, "threads", "")));
    results.threads = threads;

    std::map<std::string, size_t> layer_index;  // layer + descriptor -> index
    std::set<std::string> seen;
    for (size_t c = 0; c < csvs.size(); ++c) {
        const auto reps = read_raw_results(std::filesystem::path(csvs[c]).replace_extension(".json")).repetition_ms;
        for (const auto& row : tables[c]) {
            auto at = [&row](const char* column) { return row.count(column) ? row.at(column) : std::string(); };
            const std::string row_cache = at("cache").empty() ? "warm" : at("cache");  // older CSVs: warm only
            if (at("status") != "PASSED" || row_cache != cache || number(row, "threads", csvs[c]) != threads)
                continue;
            if (!at("suspect").empty()) {
                results.suspect_rows.push_back(fmt::format("{} {} {}", at("layer"), at("direction"), at("algorithm")));
                continue;
            }
            if (!results.algorithms.count(at("algorithm")))
                throw InputError(fmt::format("pick: {}: algorithm {} is not in its metadata", csvs[c], at("algorithm")));
            if (!seen.insert(result_key(row)).second)
                throw InputError(fmt::format("pick: {}: row {} {} {} is in an earlier CSV too", csvs[c], at("layer"),
                                             at("algorithm"), at("direction")));
            const std::string key = at("layer") + "\n" + at("descriptor");
            auto [it, added] = layer_index.emplace(key, results.measurements.layers.size());
            if (added) {
                results.measurements.layers.push_back(
                    {at("layer"), at("descriptor"), int64_t(number(row, "weight", csvs[c]))});
                results.measurements.times.emplace_back();
            }
            MeasuredTime t;
            t.time_ms = number(row, "time_ms_median", csvs[c]);
            t.spread = at("spread").empty() ? 0 : number(row, "spread", csvs[c]);
            t.workspace_bytes = at("workspace_bytes").empty() ? 0 : int64_t(number(row, "workspace_bytes", csvs[c]));
            if (auto found = reps.find(benchmark_name(row)); found != reps.end()) {
                t.repetitions = found->second;
                results.rows_with_repetitions += t.repetitions.size() >= min_repetitions_for_test;
            }
            results.measurements.times[it->second][at("direction")][at("algorithm")] = t;
            ++results.passed_rows;
        }
        if (!results.peak && metas[c].contains("peak")) {
            const auto& peak = metas[c]["peak"];
            const std::string t = std::to_string(threads);
            // fma_gflops_used: the clock-derived figure where the measured one was suspect (peak.hpp).
            const char* fma = peak.contains("fma_gflops_used") ? "fma_gflops_used" : "fma_gflops";
            if (peak.contains(fma) && peak[fma].contains(t) && peak.contains("triad_gb_s"))
                results.peak = MachinePeak{peak[fma][t].get<double>(), peak["triad_gb_s"].get<double>()};
        }
    }
    if (results.passed_rows == 0)
        throw InputError(fmt::format("pick: no PASSED {}-cache rows at {} thread(s) in {}", cache, threads,
                                     fmt::join(csvs, ", ")));
    return results;
}

}  // namespace convlab::pick
