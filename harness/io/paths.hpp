// Validators for the paths a user sets (options, environment variables,
// Python arguments), one per kind, checked where a command starts so that a
// bad path is refused before any work: a SettingError (algorithms/settings.hpp;
// exit status 2, ValueError in Python) naming the setting, the path and what
// is accepted, with the system's reason, e.g.
//   --out: got 'a/file/y', expected a directory that exists or can be made (Not a directory)
#pragma once

#include <filesystem>
#include <string_view>

namespace convlab {

// A directory whose entries can be listed (inputs, bundled shape sets).
void require_readable_directory(std::string_view setting, const std::filesystem::path& dir);
// A regular file that can be opened for reading.
void require_readable_file(std::string_view setting, const std::filesystem::path& file);
// An output directory, made (with its parents) when missing.
void make_output_directory(std::string_view setting, const std::filesystem::path& dir);
// The directory of an output file, made when missing; the file is not touched.
void make_directory_of(std::string_view setting, const std::filesystem::path& file);

}  // namespace convlab
