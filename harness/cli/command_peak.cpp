// `convlab peak`: the machine's measured fp32 FMA throughput per thread count
// (the widest vector ISA it has), the clock the probe observes and the check
// against cores x units x lanes x 2 x clock, the memory bandwidth (STREAM
// triad beyond the last-level cache) and the L2-resident rate: the figures
// every `bench` run records under "peak" in its .meta.json.
#include <CLI/CLI.hpp>

#include <memory>
#include <vector>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"
#include "harness/cli/selection_options.hpp"
#include "harness/run/selection.hpp"
#include "harness/measure/peak.hpp"

namespace convlab {

void add_peak_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "peak", "measure the machine's fp32 FMA peak per thread count and its memory bandwidth");
    auto threads = std::make_shared<std::vector<int>>();
    auto json = std::make_shared<bool>(false);
    auto allow_oversubscribe = std::make_shared<bool>(false);
    add_thread_list_option(*command, *threads, *allow_oversubscribe);
    command->add_flag("--json", *json, "print the figures as the .meta.json's \"peak\" object");
    command->callback([&status, threads, json, allow_oversubscribe] {
        check_thread_list(*threads, *allow_oversubscribe);
        const PeakFigures peak = measure_peak(*threads);
        if (*json) {
            fmt::print("{}\n", peak_json(peak).dump(2));
            status = 0;
            return;
        }
        fmt::print("ISA {} ({} fp32 lanes), {} cores\n", peak.isa, peak.lanes, peak.cores);
        for (const auto& [n, gflops] : peak.fma_gflops)
            fmt::print("FMA peak, {} thread(s): {:.1f} GFLOP/s (clock observed {:.2f} GHz)\n", n, gflops,
                       peak.clock_ghz.count(n) ? peak.clock_ghz.at(n) : peak.observed_clock_ghz);
        fmt::print("check: {:.1f} FLOP/cycle/core = {:.2f} x ({} lanes x 2){}; expected {:.1f} GFLOP/s on all cores\n",
                   peak.fma_flops_per_cycle_per_core, peak.fma_units, peak.lanes,
                   peak.fma_units_whole ? ", a whole number of FMA units" : ", NOT a whole number of units",
                   peak.expected_fma_gflops);
        for (const auto& [n, why] : peak.peak_suspect) fmt::print("SUSPECT at {} threads: {}\n", n, why);
        if (peak.oversubscribed)
            fmt::print("OVERSUBSCRIBED: more threads than the {} usable CPU(s)\n", peak.usable_cpus);
        fmt::print("memory (triad, {} threads, {} MiB arrays): {:.1f} GB/s\n", peak.bandwidth_threads,
                   peak.triad_array_bytes >> 20, peak.triad_gb_s);
        fmt::print("L2-resident triad: {:.1f} GB/s\n", peak.l2_gb_s);
        status = 0;
    });
}

}  // namespace convlab
