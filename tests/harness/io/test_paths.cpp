// The path validators (harness/io/paths.hpp): a path of the wrong kind is a
// SettingError naming the setting and the path, with the system's reason.
#include "harness/io/paths.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "algorithms/settings.hpp"

using namespace convlab;
namespace fs = std::filesystem;

namespace {

// A fresh directory holding a file "file" and a directory "dir", removed after.
struct Scratch {
    fs::path root = fs::temp_directory_path() / ("convlab_paths_" + std::to_string(::getpid()));
    Scratch() {
        fs::remove_all(root);
        fs::create_directories(root / "dir");
        std::ofstream(root / "file") << "x";
    }
    ~Scratch() { fs::remove_all(root); }
};

}  // namespace

TEST_CASE("a readable directory is accepted; a file or a missing path is refused", "[paths]") {
    Scratch s;
    CHECK_NOTHROW(require_readable_directory("--in", s.root / "dir"));
    CHECK_THROWS_WITH(require_readable_directory("--in", s.root / "file"),
                      "--in: got '" + (s.root / "file").string() + "', expected a directory that can be read (not a directory)");
    CHECK_THROWS_WITH(require_readable_directory("CONVLAB_SHAPES_DIR", s.root / "none"),
                      Catch::StartsWith("CONVLAB_SHAPES_DIR: got '" + (s.root / "none").string() + "', expected a directory") &&
                          Catch::Contains("No such file or directory"));
}

TEST_CASE("a readable file is accepted; a directory or a missing file is refused", "[paths]") {
    Scratch s;
    CHECK_NOTHROW(require_readable_file("--batch", s.root / "file"));
    CHECK_THROWS_WITH(require_readable_file("--batch", s.root / "dir"), Catch::Contains("(a directory)"));
    CHECK_THROWS_WITH(require_readable_file("--batch", s.root / "none"),
                      Catch::StartsWith("--batch: got '" + (s.root / "none").string() + "', expected a file that can be read") &&
                          Catch::Contains("No such file"));
}

TEST_CASE("an output directory is made with its parents, or refused with the reason", "[paths]") {
    Scratch s;
    const fs::path deep = s.root / "a" / "b";
    make_output_directory("--out", deep);
    CHECK(fs::is_directory(deep));
    CHECK_NOTHROW(make_output_directory("--out", deep));  // already there
    CHECK_THROWS_AS(make_output_directory("--out", s.root / "file"), SettingError);  // a file in the way
    CHECK_THROWS_WITH(make_output_directory("--out", s.root / "file" / "y"),
                      Catch::StartsWith("--out: got '" + (s.root / "file" / "y").string() +
                                        "', expected a directory that exists or can be made ("));
}

TEST_CASE("the directory of an output file is made; the file is not", "[paths]") {
    Scratch s;
    make_directory_of("--csv", s.root / "new" / "out.csv");
    CHECK(fs::is_directory(s.root / "new"));
    CHECK(!fs::exists(s.root / "new" / "out.csv"));
    CHECK_NOTHROW(make_directory_of("--csv", "out.csv"));  // the working directory
    CHECK_THROWS_WITH(make_directory_of("--csv", s.root / "file" / "out.csv"),
                      Catch::StartsWith("--csv: got '" + (s.root / "file" / "out.csv").string() + "'"));
}
