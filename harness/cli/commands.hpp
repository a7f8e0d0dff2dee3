// The subcommands of `convlab`, one file each (command_<name>.cpp),
// each registering itself on the CLI11 app. A callback reports its exit status
// through `status`: 0 success, 1 a verification failed. Bad usage or bad input
// is thrown as UsageError (or ProblemError, NpyError, ShapeFileError) and main
// turns it into one line on stderr and exit status 2.
#pragma once

#include "algorithms/errors.hpp"  // UsageError

namespace CLI {
class App;
}

namespace convlab {

void add_list_command(CLI::App& app, int& status);
void add_run_command(CLI::App& app, int& status);
void add_validate_command(CLI::App& app, int& status);
void add_bench_command(CLI::App& app, int& status);
void add_peak_command(CLI::App& app, int& status);
void add_compare_command(CLI::App& app, int& status);
void add_merge_command(CLI::App& app, int& status);
void add_pick_command(CLI::App& app, int& status);

}  // namespace convlab
