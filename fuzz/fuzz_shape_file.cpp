// libFuzzer target: read_shape_file on arbitrary text. The input is written to
// a file in a private temporary directory, so a relative --batch can only name
// the input itself (a cycle) or nothing; includes may fail, but only with a
// ShapeFileError.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/io/shape_file.hpp"

namespace {

const std::filesystem::path& input_path() {
    static const std::filesystem::path path = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "convlab_fuzz_shapes_XXXXXX").string();
        if (!::mkdtemp(pattern.data())) {
            std::perror("mkdtemp");
            std::abort();
        }
        return std::filesystem::path(pattern) / "input";
    }();
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
        if (!out) std::abort();
    }
    try {
        const convlab::ShapeFile set = convlab::read_shape_file(input_path());
        for (const convlab::ShapeEntry& entry : set.entries) {
            if (entry.line < 1) std::abort();
            if (entry.unsupported && entry.reason.empty()) std::abort();
            if (!entry.unsupported && entry.problem.oh < 1) std::abort();
        }
    } catch (const convlab::ShapeFileError&) {
    }
    return 0;
}
