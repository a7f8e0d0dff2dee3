// A fresh directory for one test case under the system's temporary
// directory, named by a tag and the process id (ctest runs each test case in
// a process of its own), removed at the end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace convlab::testing {

struct ScratchDir {
    std::filesystem::path path;
    explicit ScratchDir(const std::string& tag = "scratch")
        : path(std::filesystem::temp_directory_path() / ("convlab_test_" + tag + "_" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~ScratchDir() { std::filesystem::remove_all(path); }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    // Writes `text` to `name` under the directory (its parents made) and returns its path.
    std::filesystem::path put(const std::string& name, const std::string& text) const {
        const std::filesystem::path file = path / name;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }
};

}  // namespace convlab::testing
