// What every result file carries about where it came from: the machine (CPU
// model, ISA flags, cores, caches), the compiler and its flags, OpenBLAS (its
// version, the kernel it chose, its build configuration) and oneDNN, the
// environment variables that change what OpenBLAS does, the commit, the date
// and the command line. Written as JSON beside the results CSV.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace convlab {

// Everything above that does not depend on the run: keys "cpu", "compiler",
// "openblas", "onednn", "environment", "git", "date", "command_line".
nlohmann::json machine_metadata();

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
