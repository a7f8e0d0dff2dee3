// `convlab list`: the registered algorithms, in registry order, one a line:
// name, the directions it implements, "exact" when it must match the reference
// exactly on small-integer data (else "tol=" its relative tolerance),
// description.
//
// The directions are those the algorithm accepts on a fixed probe problem, a
// plain 3x3 stride-1 layer that every algorithm able to do a direction at all
// accepts (Winograd's restrictions included). This keeps the Algorithm
// interface to decline_reason() alone; an algorithm that only runs exotic
// shapes would show no direction, and `validate` remains the exact answer for
// a given problem.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "algorithms/registry.hpp"
#include "harness/commands.hpp"

namespace convlab {

constexpr const char* list_probe_problem = "mb2ic16ih8oc16kh3ph1";

void add_list_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "list", fmt::format("list the registered algorithms, the directions each runs (on {}), and what they are",
                            list_probe_problem));
    command->callback([&status] {
        const Problem probe = Problem::parse(list_probe_problem);
        size_t width = 0;
        for (const auto& algorithm : registry()) width = std::max(width, algorithm->name().size());
        for (const auto& algorithm : registry()) {
            std::string directions;
            for (Direction d : all_directions) {
                const bool runs = algorithm->decline_reason(probe, d).empty();
                directions += fmt::format("{:<6}", runs ? to_string(d) : "-");
            }
            // The correctness contract validate holds it to (harness/check.cpp).
            const std::string contract =
                algorithm->exact_on_integers() ? "exact" : fmt::format("tol={:.0e}", algorithm->tolerance());
            fmt::print("{:<{}}  {} {:<9} {}\n", algorithm->name(), width, directions, contract,
                       algorithm->description());
        }
        status = 0;
    });
}

}  // namespace convlab
