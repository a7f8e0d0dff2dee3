// Shape files (docs/descriptors.md): one descriptor a line, '#' comments, blank
// lines, '--batch=FILE' includes relative to the including file; other option
// lines are reported and skipped, never silently.
#pragma once

#include "algorithms/errors.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/problem.hpp"

namespace convlab {

struct ShapeFileError : InputError {
    using InputError::InputError;
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
// set ("resnet_50") in bundled_shapes_dir().
std::filesystem::path find_shape_file(const std::string& name_or_path);

// Where the bundled sets are: set_bundled_shapes_dir() if called (the Python
// module), else $CONVLAB_SHAPES_DIR (a SettingError when it names no readable
// directory), else share/convlab/shapes beside or above the executable; empty
// when none exists.
std::filesystem::path bundled_shapes_dir();
void set_bundled_shapes_dir(const std::filesystem::path& dir);

}  // namespace convlab
