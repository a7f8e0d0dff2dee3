// What every result file carries about where it came from: the machine (CPU
// model, ISA flags, cores, caches), the compiler and its flags, OpenBLAS (its
// version, the kernel it chose, its build configuration) and oneDNN, the
// environment variables that change what OpenBLAS does, the commit the binary
// was built from, the date and the command line. Written as JSON beside the
// results CSV.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace convlab {

// Everything above that does not depend on the run: keys "cpu", "compiler",
// "openblas", "onednn", "environment", "git", "date", "command_line".
// "git" is the source tree's state when the binary was built (recorded by
// cmake/source_state.cmake, never read from the tree at run time): commit,
// dirty (tracked files changed since it, outside results/, which runs write
// into) and dirty_paths, the paths git names; commit "unknown" and dirty null
// when the tree was not a git work tree of its own.
nlohmann::json machine_metadata();

// The problem `convlab list` reports each algorithm's directions on: a plain
// 3x3 stride-1 layer that every algorithm able to do a direction accepts.
inline constexpr const char* list_probe_problem = "mb2ic16ih8oc16kh3ph1";

// Every registered algorithm, in registry order, as `convlab list --json`
// prints it and result metadata carries it: name, family, description,
// directions (on the probe problem), exact, tolerance, mixes_neighbours,
// baseline, slow. Scripts read these instead of naming algorithms.
nlohmann::json algorithms_json();

// The environment variable's value, or "unset".
std::string environment_value(const char* name);

// This process's command line, arguments separated by spaces (from
// /proc/self/cmdline; empty when it cannot be read).
std::string process_command_line();

// "FILE.meta.json" beside a results file: results/x.csv -> results/x.meta.json.
std::filesystem::path metadata_path_for(const std::filesystem::path& results);

// Pretty-printed, written atomically.
void write_json_file(const std::filesystem::path& path, const nlohmann::json& json);

}  // namespace convlab
