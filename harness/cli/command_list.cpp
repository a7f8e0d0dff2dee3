// `convlab list`: the registered algorithms, in registry order, one a line:
// name, the directions it implements, its contract ("exact" when it must match
// the reference exactly on small-integer data, else "tol=" its relative
// tolerance), description. `--json` gives the same as data, with the family and
// the properties (baseline, slow) that scripts and budgets read instead of names.
//
// The directions are those the algorithm accepts on a fixed probe problem, a
// plain 3x3 stride-1 layer that every algorithm able to do a direction at all
// accepts (Winograd's restrictions included); `validate` remains the exact
// answer for a given problem.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/cli/algorithm_json.hpp"
#include "harness/cli/commands.hpp"

namespace convlab {

nlohmann::json algorithm_json(const Algorithm& algorithm, const Problem& probe) {
    nlohmann::json directions = nlohmann::json::array();
    for (Direction d : all_directions)
        if (algorithm.prepare(probe, d, 1)) directions.push_back(to_string(d));
    const Contract contract = algorithm.contract();
    const Properties properties = algorithm.properties();
    return {{"name", algorithm.name()},
            {"family", algorithm.family()},
            {"description", algorithm.description()},
            {"directions", directions},
            {"exact", contract.exact_on_integers},
            {"tolerance", contract.tolerance},
            {"mixes_neighbours", contract.mixes_neighbours},
            {"baseline", properties.baseline},
            {"slow", properties.slow}};
}

void add_list_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "list", fmt::format("list the registered algorithms, the directions each runs (on {}), and what they are",
                            list_probe_problem));
    auto json = std::make_shared<bool>(false);
    command->add_flag("--json", *json,
                      "as JSON: name, family, description, directions, exact, tolerance, mixes_neighbours, "
                      "baseline, slow");
    command->callback([&status, json] {
        const Problem probe = Problem::parse(list_probe_problem);
        if (*json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& algorithm : registry()) list.push_back(algorithm_json(*algorithm, probe));
            fmt::print("{}\n", list.dump(2));
            status = 0;
            return;
        }
        size_t width = 0;
        for (const auto& algorithm : registry()) width = std::max(width, algorithm->name().size());
        for (const auto& algorithm : registry()) {
            std::string directions;
            for (Direction d : all_directions)
                directions += fmt::format("{:<6}", algorithm->prepare(probe, d, 1) ? to_string(d) : "-");
            const Contract contract = algorithm->contract();
            const std::string contract_text =
                contract.exact_on_integers ? "exact" : fmt::format("tol={:.0e}", contract.tolerance);
            fmt::print("{:<{}}  {} {:<9} {}\n", algorithm->name(), width, directions, contract_text,
                       algorithm->description());
        }
        status = 0;
    });
}

}  // namespace convlab
