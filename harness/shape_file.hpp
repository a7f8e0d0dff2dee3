// Shape files (shared/SHAPES.md): one descriptor a line, '#' comments, blank
// lines, '--batch=FILE' includes relative to the including file; other option
// lines are reported and skipped, never silently.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/problem.hpp"

namespace convlab {

struct ShapeFileError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ShapeEntry {
    std::string descriptor;     // the text as written
    std::filesystem::path file; // where it was read
    int line = 0;
    bool unsupported = false;   // a 3-D line: reported as UNSUPPORTED
    std::string reason;         // why unsupported
    Problem problem;            // valid when !unsupported
};

struct ShapeFile {
    std::vector<ShapeEntry> entries;
    std::vector<std::string> notes;  // "resnet_50:3: skipped option --dir=FWD_D (not understood by convlab)"
};

// Throws ShapeFileError for a missing file or include, an include cycle, and an
// invalid descriptor (naming the file and line); 3-D lines are entries marked
// unsupported.
ShapeFile read_shape_file(const std::filesystem::path& path);

// Resolves a shape-file argument: an existing path, or the name of a bundled
// set in harness/shapes ("resnet_50").
std::filesystem::path find_shape_file(const std::string& name_or_path);

}  // namespace convlab
