// The command-line options that fill a Selection (run/selection.hpp) and the
// thread counts, shared by `validate`, `bench`, `run` and `peak`.
#pragma once

#include <vector>

#include "algorithms/layout.hpp"
#include "harness/run/selection.hpp"
#include "harness/verify/data.hpp"

namespace CLI {
class App;
}

namespace convlab {

// Adds --batch, --problem, --algo, --dir, --mb, --max-gflop, --shard, --layout to a subcommand.
void add_selection_options(CLI::App& command, Selection& selection);

// --layout ACT[:WEI] (algorithms/layout.hpp; default nchw:oihw), for `validate`, `bench` and `run`.
void add_layout_option(CLI::App& command, Layout& layout);

// --threads N (1 to 4096; default all cores), for `run`.
void add_threads_option(CLI::App& command, int& threads);
// --threads LIST ("1,2": each count a case of its own; default all cores),
// for `validate`, `bench` and `peak`, with --allow-oversubscribe.
void add_thread_list_option(CLI::App& command, std::vector<int>& threads, bool& allow_oversubscribe);

// --data DIST (uniform, normal, relu, denormal[:SHARE]) and --ftz on|off, for
// `validate` and `bench`.
void add_data_options(CLI::App& command, DataConditions& conditions);
// --ftz on|off alone, for `run` (whose data the user gives).
void add_ftz_option(CLI::App& command, bool& flush_denormals);

// --isa avx2|avx512|native, for `validate`, `bench` and `run`: the process's
// ISA cap (algorithms/machine.hpp), set as the option is parsed, before any
// algorithm prepares.
void add_isa_option(CLI::App& command);

}  // namespace convlab
