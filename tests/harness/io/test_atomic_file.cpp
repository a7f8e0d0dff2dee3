// write_file_atomically: the target is either untouched or completely replaced.
#include "harness/io/atomic_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
using convlab::FileWriteError;
using convlab::write_file_atomically;

namespace {

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

long entries_in(const fs::path& dir) {
    return long(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

using convlab::testing::ScratchDir;

}  // namespace

TEST_CASE("write_file_atomically creates and replaces a file, leaving no temporary", "[atomic_file]") {
    ScratchDir dir;
    const fs::path target = dir.path / "result.csv";
    write_file_atomically(target, [](std::ostream& out) { out << "a,b\n1,2\n"; });
    CHECK(slurp(target) == "a,b\n1,2\n");
    write_file_atomically(target, [](std::ostream& out) { out << "new"; });
    CHECK(slurp(target) == "new");
    CHECK(entries_in(dir.path) == 1);
}

TEST_CASE("write_file_atomically leaves the target alone when the writer throws", "[atomic_file]") {
    ScratchDir dir;
    const fs::path target = dir.path / "result.json";
    write_file_atomically(target, [](std::ostream& out) { out << "{}"; });
    struct Interrupted {};
    CHECK_THROWS_AS(write_file_atomically(target,
                                          [](std::ostream& out) {
                                              out << "{\"half\": ";
                                              throw Interrupted{};
                                          }),
                    Interrupted);
    CHECK(slurp(target) == "{}");
    CHECK(entries_in(dir.path) == 1);
}

TEST_CASE("write_file_atomically reports a stream failure and a missing directory", "[atomic_file]") {
    ScratchDir dir;
    const fs::path target = dir.path / "out.txt";
    // A writer that leaves the stream failed is a failed write, not a silent truncation.
    CHECK_THROWS_AS(write_file_atomically(target, [](std::ostream& out) { out.setstate(std::ios::badbit); }),
                    FileWriteError);
    CHECK_FALSE(fs::exists(target));
    CHECK(entries_in(dir.path) == 0);
    const fs::path nowhere = dir.path / "missing" / "out.txt";
    CHECK_THROWS_WITH(write_file_atomically(nowhere, [](std::ostream& out) { out << "x"; }),
                      Catch::Contains(nowhere.string()));
}
