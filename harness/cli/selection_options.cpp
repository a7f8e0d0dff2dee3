// The command-line options that fill a Selection and the thread counts, shared
// by `validate`, `bench`, `run` and `peak`, so they read the same way.
#include "harness/cli/selection_options.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdio>

#include <fmt/format.h>

#include "algorithms/machine.hpp"
#include "algorithms/settings.hpp"
#include "algorithms/threading.hpp"

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

// --threads by the one thread-count validator (algorithms/settings.hpp), as
// the Python module's threads=; CLI11 prefixes "--threads: " to the detail.
CLI::Validator thread_count_check() {
    return CLI::Validator(
        [](std::string& text) {
            try {
                thread_count("--threads", text);
                return std::string();
            } catch (const SettingError& e) {
                return e.detail();
            }
        },
        "N>=1");
}

// A setting read by its validator (data.hpp) into `apply`; CLI11 prefixes
// "--NAME: " to the detail, as for --threads.
template <class Apply>
CLI::Option* add_setting(CLI::App& command, const std::string& name, const std::string& help, Apply apply) {
    return command.add_option_function<std::string>(
        name,
        [name, apply](const std::string& text) {
            try {
                apply(text);
            } catch (const SettingError& e) {
                throw CLI::ValidationError(name, e.detail());
            }
        },
        help);
}

}  // namespace

void add_data_options(CLI::App& command, DataConditions& conditions) {
    add_setting(command, "--data",
                "the real-valued data of the check and the timing: uniform (default: [-1, 1)), normal (N(0, 1)), "
                "relu (x with half exact zeros, as a ReLU leaves it), denormal[:SHARE] (SHARE of x, w and dy "
                "subnormal; default 0.1)",
                [&conditions](const std::string& text) { conditions.data = parse_data_spec("--data", text); })
        ->type_name("DIST");
    add_ftz_option(command, conditions.flush_denormals);
}

void add_ftz_option(CLI::App& command, bool& flush_denormals) {
    add_setting(command, "--ftz",
                "on: flush denormals (FTZ and DAZ) on every thread that runs the call; off (default): IEEE "
                "gradual underflow",
                [&flush_denormals](const std::string& text) { flush_denormals = parse_on_off("--ftz", text); })
        ->type_name("on|off");
}

void add_isa_option(CLI::App& command) {
    add_setting(command, "--isa",
                "cap every algorithm's kernels at this ISA: avx2, avx512, or native (default: the CPU's widest); "
                "convlab's engines, oneDNN, LIBXSMM and libtorch run under it, XNNPACK declines; OpenBLAS and "
                "the compiler-vectorised loops keep the build's -march (the metadata's \"isa\" says what ran)",
                [](const std::string& text) { set_isa_cap("--isa", parse_isa_cap("--isa", text)); })
        ->type_name("ISA");
}

void add_layout_option(CLI::App& command, Layout& layout) {
    add_setting(command, "--layout",
                "the tensors' layout: nchw or nhwc, optionally with the weights' (nhwc:hwio; oihw, hwio, ohwi, "
                "iohw); nhwc alone is nhwc:ohwi; default nchw:oihw. An algorithm not running in it natively is "
                "SKIPPED with its reason",
                [&layout](const std::string& text) { layout = parse_layout("--layout", text); })
        ->type_name("ACT[:WEI]");
}

void add_selection_options(CLI::App& command, Selection& selection) {
    add_layout_option(command, selection.layout);
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

void add_threads_option(CLI::App& command, int& threads) {
    threads = all_cores();
    command.add_option("--threads", threads, fmt::format("threads for OpenMP and OpenBLAS (default {}: all cores)", threads))
        ->type_name("N")
        ->check(thread_count_check());
}

void add_thread_list_option(CLI::App& command, std::vector<int>& threads, bool& allow_oversubscribe) {
    threads = {all_cores()};
    command
        .add_option("--threads", threads,
                    fmt::format("comma list of thread counts, each a case of its own (default {}: all cores)",
                                threads.front()))
        ->type_name("LIST")
        ->delimiter(',')
        ->check(thread_count_check());
    command.add_flag("--allow-oversubscribe", allow_oversubscribe,
                     "run more threads than the CPUs this process may use (taskset, cpuset); the metadata "
                     "records oversubscribed and the peak self-check judges the figures");
}

}  // namespace convlab
