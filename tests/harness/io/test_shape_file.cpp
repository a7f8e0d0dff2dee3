// Shape files: comments, includes, cycles, skipped options, 3-D lines, and
// every bundled set in shapes/.
#include "harness/io/shape_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace convlab;

namespace {

using convlab::testing::ScratchDir;

// read_shape_file must throw a ShapeFileError whose message contains every part.
void require_error(const fs::path& file, const std::vector<std::string>& parts) {
    try {
        read_shape_file(file);
        FAIL("read_shape_file accepted " << file);
    } catch (const ShapeFileError& error) {
        const std::string message = error.what();
        INFO("message: " << message);
        for (const std::string& part : parts) {
            INFO("expected part: " << part);
            CHECK(message.find(part) != std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("shape files skip comments, blank lines and surrounding whitespace", "[shape_file]") {
    ScratchDir dir("comments");
    const fs::path file = dir.put("set",
                                  "# a comment line\n"
                                  "\n"
                                  "   \t\n"
                                  "  mb2ic3ih5oc4oh3kh3n\"first\"   # trailing comment\n"
                                  "\tic8ih7oc8kh1n\"with#hash\"\r\n"
                                  "ic4ih6oc4kh3#glued comment\n"
                                  "#ic4ih6oc4kh3n\"commented out\"\n"
                                  "ic2iw9oc2kw2n\"last line without newline\"");
    const ShapeFile set = read_shape_file(file);
    REQUIRE(set.entries.size() == 4);
    CHECK(set.notes.empty());
    CHECK(set.entries[0].descriptor == "mb2ic3ih5oc4oh3kh3n\"first\"");
    CHECK(set.entries[0].line == 4);
    CHECK(set.entries[0].file == file);
    CHECK(set.entries[0].problem.ic == 3);
    CHECK(set.entries[0].problem.name == "first");
    CHECK_FALSE(set.entries[0].unsupported);
    // A '#' inside the quoted name is part of the name.
    CHECK(set.entries[1].line == 5);
    CHECK(set.entries[1].problem.name == "with#hash");
    CHECK(set.entries[2].descriptor == "ic4ih6oc4kh3");
    CHECK(set.entries[2].line == 6);
    CHECK(set.entries[3].line == 8);
    CHECK(set.entries[3].problem.iw == 9);
}

TEST_CASE("shape files include others relative to the including file", "[shape_file]") {
    ScratchDir dir("include");
    const fs::path main = dir.put("main", "ic1ih4oc1kh1n\"a\"\n--batch=sub/inner\nic3ih4oc3kh1n\"d\"\n");
    const fs::path inner = dir.put("sub/inner", "ic2ih4oc2kh1n\"b\"\n\n--batch=deeper # comment\n");
    const fs::path deeper = dir.put("sub/deeper", "# the deepest\nic5ih4oc5kh1n\"c\"\n");
    const ShapeFile set = read_shape_file(main);
    REQUIRE(set.entries.size() == 4);
    CHECK(set.entries[0].problem.name == "a");
    CHECK(set.entries[1].problem.name == "b");
    CHECK(set.entries[1].file == inner);
    CHECK(set.entries[2].problem.name == "c");
    CHECK(set.entries[2].file == deeper);
    CHECK(set.entries[2].line == 2);
    CHECK(set.entries[3].problem.name == "d");
    CHECK(set.entries[3].file == main);
    CHECK(set.entries[3].line == 3);

    // Including the same file twice is not a cycle.
    const fs::path twice = dir.put("twice", "--batch=sub/deeper\n--batch=sub/deeper\n");
    CHECK(read_shape_file(twice).entries.size() == 2);
}

TEST_CASE("shape file include cycles are errors naming the chain", "[shape_file]") {
    ScratchDir dir("cycle");
    const fs::path a = dir.put("a", "ic1ih4oc1kh1\n--batch=b\n");
    dir.put("b", "--batch=sub/../a\n");
    dir.put("sub/unused", "");  // so that sub/../a resolves
    require_error(a, {"include cycle", a.string(), (dir.path / "b").string(), "b:1:"});
    const fs::path self = dir.put("self", "# me again\n--batch=self\n");
    require_error(self, {"include cycle", "self:2:"});
}

TEST_CASE("a missing shape file or include is an error naming it", "[shape_file]") {
    ScratchDir dir("missing");
    require_error(dir.path / "absent", {"absent", "does not exist"});
    const fs::path main = dir.put("main", "ic1ih4oc1kh1\n--batch=nowhere\n");
    require_error(main, {main.string() + ":2:", (dir.path / "nowhere").string(), "does not exist"});
    require_error(dir.put("empty_batch", "--batch=\n"), {"empty_batch:1:", "names no file"});
    const fs::path directory = dir.put("dir_include", "--batch=.\n");
    require_error(directory, {"dir_include:1:", "not a regular file"});
}

TEST_CASE("option lines other than --batch are skipped with a note", "[shape_file]") {
    ScratchDir dir("options");
    const fs::path file = dir.put("opts", "--reset\n--dir=BWD_D\nmb3ic2ih4oc2kh1\n--mb=16 --cfg=f32\n");
    const ShapeFile set = read_shape_file(file);
    REQUIRE(set.entries.size() == 1);
    CHECK(set.entries[0].problem.mb == 3);  // --mb in a file is not applied
    REQUIRE(set.notes.size() == 4);
    const std::string where = file.string();
    CHECK(set.notes[0] == where + ":1: skipped option '--reset' (convlab does not apply it)");
    CHECK(set.notes[1] == where + ":2: skipped option '--dir=BWD_D' (convlab does not apply it)");
    CHECK(set.notes[2] ==
          where + ":4: skipped option '--mb=16' (convlab does not apply it; use the command line's --mb)");
    CHECK(set.notes[3] == where + ":4: skipped option '--cfg=f32' (convlab does not apply it)");
}

TEST_CASE("3-D lines are unsupported entries; invalid lines are errors naming file and line", "[shape_file]") {
    ScratchDir dir("bad");
    const fs::path file = dir.put("three_d", "ic2ih4oc2kh1\nmb2ic16id5ih1iw1oc16od4oh1ow1kd3kh1kw1n\"vol\"\n");
    const ShapeFile set = read_shape_file(file);
    REQUIRE(set.entries.size() == 2);
    CHECK_FALSE(set.entries[0].unsupported);
    CHECK(set.entries[1].unsupported);
    CHECK_FALSE(set.entries[1].reason.empty());
    CHECK(set.entries[1].line == 2);

    const fs::path invalid = dir.put("invalid", "ic2ih4oc2kh1\n\nic2ih4oc2kh1zz7\n");
    require_error(invalid, {invalid.string() + ":3:", "zz"});
}

TEST_CASE("every bundled shape file reads without error", "[shape_file]") {
    int files = 0;
    for (const auto& item : fs::directory_iterator(CONVLAB_SHAPES_SOURCE_DIR)) {
        const std::string name = item.path().filename().string();
        if (name == "README.md" || name.starts_with("LICENSE")) continue;
        INFO(name);
        ShapeFile set;
        REQUIRE_NOTHROW(set = read_shape_file(item.path()));
        CHECK_FALSE(set.entries.empty());
        for (const ShapeEntry& entry : set.entries) {
            INFO(entry.descriptor);
            if (!entry.unsupported) CHECK(entry.problem.oh >= 1);
            // Only depth entries make a line unsupported.
            if (entry.unsupported) CHECK(entry.descriptor.find("id") != std::string::npos);
        }
        ++files;
    }
    CHECK(files >= 10);
}

TEST_CASE("find_shape_file resolves paths and bundled names", "[shape_file]") {
    ScratchDir dir("find");
    const fs::path own = dir.put("mine", "ic1ih1oc1kh1\n");
    CHECK(find_shape_file(own.string()) == own);
    CHECK(find_shape_file("resnet_50") == bundled_shapes_dir() / "resnet_50");
    CHECK(fs::exists(find_shape_file("1d_wavenet")));
    try {
        find_shape_file("resnet_51");
        FAIL("accepted resnet_51");
    } catch (const ShapeFileError& error) {
        const std::string message = error.what();
        CHECK(message.find("resnet_51") != std::string::npos);
        CHECK(message.find("resnet_50") != std::string::npos);
        CHECK(message.find("vgg_19") != std::string::npos);
        CHECK(message.find("README") == std::string::npos);
    }
    CHECK_THROWS_AS(find_shape_file("README.md"), ShapeFileError);
}
