// `convlab merge SHARD.csv... --out FILE.csv`: the shards of one `bench` or
// `validate` run (--shard K/N, run as independent jobs on as many machines as
// there are) joined into one CSV, with a .meta.json listing the shards.
// Refused, unless --allow-mixed: shards whose metadata disagree on the commit,
// the run settings (everything in "run" but the shard and the file names) or
// the machine (CPU model, compiler flags); a row present in two shards; a
// shard without its .meta.json. Rows keep the order of the shards given.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.hpp"
#include "harness/io/csv.hpp"
#include "harness/io/metadata.hpp"

namespace convlab {
namespace {

nlohmann::json read_metadata(const std::filesystem::path& csv) {
    const std::filesystem::path path = metadata_path_for(csv);
    std::ifstream in(path);
    if (!in) throw IoError(fmt::format("merge: {} has no metadata beside it ({})", csv.string(), path.string()));
    nlohmann::json meta = nlohmann::json::parse(in, nullptr, false);
    if (meta.is_discarded()) throw InputError(fmt::format("merge: {} is not valid JSON", path.string()));
    return meta;
}

// What must agree between shards of one run.
nlohmann::json identity(const nlohmann::json& meta) {
    nlohmann::json run = meta.value("run", nlohmann::json::object());
    for (const char* per_shard : {"shard", "csv", "json", "resume", "completed", "cases_run", "seconds"})
        run.erase(per_shard);
    return {{"commit", meta.value("git", nlohmann::json::object()).value("commit", "")},
            {"run", run},
            {"cpu", meta.value("cpu", nlohmann::json::object()).value("model", "")},
            {"flags", meta.value("compiler", nlohmann::json::object()).value("flags", "")}};
}

int merge(const std::vector<std::string>& shards, const std::string& out, bool allow_mixed) {
    std::vector<ResultRow> rows;
    std::set<std::string> keys;
    nlohmann::json first, merged_meta, listed = nlohmann::json::array();
    for (const std::string& shard : shards) {
        if (!std::filesystem::is_regular_file(shard)) throw IoError(fmt::format("merge: no such file {}", shard));
        const nlohmann::json meta = read_metadata(shard);
        if (first.is_null()) {
            first = identity(meta), merged_meta = meta;
        } else if (identity(meta) != first && !allow_mixed) {
            throw InputError(fmt::format("merge: {} comes from another commit, settings or machine than {} ({} vs "
                                         "{}); --allow-mixed merges anyway",
                                         shard, shards.front(), identity(meta).dump(), first.dump()));
        }
        listed.push_back({{"csv", shard}, {"run", meta.value("run", nlohmann::json::object())}});
        for (ResultRow& row : read_results_csv(shard)) {
            if (!keys.insert(result_key(row)).second)
                throw InputError(fmt::format("merge: a row of {} is in another shard too ({} {} {})", shard,
                                             row["layer"], row["algorithm"], row["direction"]));
            rows.push_back(std::move(row));
        }
    }
    // Validate's rows carry "seconds" and no timing: keep its narrower header.
    const bool from_validate = first["run"].value("command", "") == "validate";
    if (from_validate) {
        write_results_csv(out, rows, validate_columns());
    } else {
        write_results_csv(out, rows);
    }
    merged_meta["run"]["shard"] = "merged";
    merged_meta["merged_from"] = listed;
    write_json_file(metadata_path_for(out), merged_meta);
    size_t counts[4] = {};
    for (const ResultRow& row : rows) {
        const std::string status = row.count("status") ? row.at("status") : "";
        counts[0] += status == "PASSED", counts[1] += status == "FAILED", counts[2] += status == "SKIPPED",
            counts[3] += status == "UNSUPPORTED";
    }
    fmt::print("merged {} shards into {}: {} rows ({} passed, {} failed, {} skipped, {} unsupported)\n",
               shards.size(), out, rows.size(), counts[0], counts[1], counts[2], counts[3]);
    return counts[1] > 0 ? 1 : 0;
}

}  // namespace

void add_merge_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "merge", "join the CSVs of the shards of one bench or validate run (--shard K/N) into one");
    struct Options {
        std::vector<std::string> shards;
        std::string out;
        bool allow_mixed = false;
    };
    auto o = std::make_shared<Options>();
    command->add_option("SHARDS", o->shards, "the shards' CSVs (each with its .meta.json)")
        ->required()
        ->type_name("SHARD.csv...");
    command->add_option("--out", o->out, "the merged CSV (its .meta.json beside it)")->required()->type_name("FILE");
    command->add_flag("--allow-mixed", o->allow_mixed,
                      "merge shards of different commits, settings or machines (the metadata lists each shard's)");
    command->callback([o, &status] { status = merge(o->shards, o->out, o->allow_mixed); });
}

}  // namespace convlab
