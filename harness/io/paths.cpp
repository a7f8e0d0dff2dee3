#include "harness/io/paths.hpp"

#include <dirent.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "algorithms/settings.hpp"

namespace convlab {
namespace fs = std::filesystem;

void require_readable_directory(std::string_view setting, const fs::path& dir) {
    std::error_code error;
    std::string why;
    if (!fs::is_directory(dir, error)) {
        why = error ? error.message() : fs::exists(dir, error) ? "not a directory" : "no such directory";
    } else if (DIR* listing = ::opendir(dir.c_str())) {
        ::closedir(listing);
        return;
    } else {
        why = std::strerror(errno);
    }
    throw SettingError(setting, dir.string(), fmt::format("a directory that can be read ({})", why));
}

void require_readable_file(std::string_view setting, const fs::path& file) {
    std::error_code error;
    std::string why;
    if (fs::is_directory(file, error)) {
        why = "a directory";
    } else if (std::ifstream in(file, std::ios::binary); in) {
        return;
    } else {
        why = std::strerror(errno);
    }
    throw SettingError(setting, file.string(), fmt::format("a file that can be read ({})", why));
}

void make_output_directory(std::string_view setting, const fs::path& dir) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (!error && !fs::is_directory(dir, error)) error = std::make_error_code(std::errc::not_a_directory);
    if (error)
        throw SettingError(setting, dir.string(),
                           fmt::format("a directory that exists or can be made ({})", error.message()));
}

void make_directory_of(std::string_view setting, const fs::path& file) {
    if (!file.has_parent_path()) return;
    std::error_code error;
    fs::create_directories(file.parent_path(), error);
    if (error)
        throw SettingError(setting, file.string(),
                           fmt::format("a file whose directory exists or can be made ({})", error.message()));
}

}  // namespace convlab
