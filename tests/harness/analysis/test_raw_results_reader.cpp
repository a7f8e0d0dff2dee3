// The raw results as JSON lines: what the writer appends the one reader reads
// back, in milliseconds whatever the time unit, past a torn last line, with a
// later session's attempt at a row replacing an earlier one's.
#include "harness/analysis/raw_results_reader.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "algorithms/errors.hpp"
#include "harness/io/raw_results_writer.hpp"

namespace fs = std::filesystem;
using namespace convlab;

namespace {

struct ScratchFile {
    fs::path path = fs::temp_directory_path() / ("convlab_test_raw_" + std::to_string(::getpid()) + ".json");
    ScratchFile() { fs::remove(path); }
    ~ScratchFile() { fs::remove(path); }
    void add_text(const std::string& text) const {
        std::ofstream(path, std::ios::binary | std::ios::app) << text;
    }
};

// One of Google Benchmark's records, as its JSON reporter writes it (the
// fields the reader uses, and a few it must ignore).
nlohmann::json repetition(const std::string& name, double real_time, const std::string& unit = "ms") {
    const std::string full = name + "/min_time:0.005/repeats:3/real_time";
    return {{"name", full}, {"run_name", full}, {"run_type", "iteration"}, {"repetitions", 3},
            {"real_time", real_time}, {"cpu_time", real_time}, {"time_unit", unit}, {"FLOPS", 1e9}};
}

nlohmann::json aggregate(const std::string& name, double real_time) {
    const std::string full = name + "/min_time:0.005/repeats:3/real_time";
    return {{"name", full + "_median"}, {"run_name", full}, {"run_type", "aggregate"},
            {"aggregate_name", "median"}, {"real_time", real_time}, {"time_unit", "ms"}};
}

const nlohmann::json context = {{"context", {{"num_cpus", 2}}}};

}  // namespace

TEST_CASE("the raw results read back every repetition in milliseconds, whatever the unit", "[raw_results]") {
    ScratchFile file;
    auto writer = RawResultsWriter::start_over(file.path);
    writer.append({context, repetition("a/fwd/l/threads:1", 1.5), repetition("a/fwd/l/threads:1", 2.5),
                   aggregate("a/fwd/l/threads:1", 2.0)});
    // 3 ms written in each unit Google Benchmark has.
    writer.append({repetition("b/fwd/l/threads:1", 3e6, "ns"), repetition("b/fwd/l/threads:1", 3e3, "us"),
                   repetition("b/fwd/l/threads:1", 3.0, "ms"), repetition("b/fwd/l/threads:1", 3e-3, "s")});
    const RawResults raw = read_raw_results(file.path);
    CHECK_FALSE(raw.torn_line_at);
    CHECK_FALSE(raw.single_document);
    REQUIRE(raw.repetition_ms.size() == 2);
    CHECK(raw.repetition_ms.at("a/fwd/l/threads:1") == std::vector<double>{1.5, 2.5});  // the aggregate left out
    const auto& b = raw.repetition_ms.at("b/fwd/l/threads:1");
    REQUIRE(b.size() == 4);
    for (double ms : b) CHECK(ms == Approx(3.0).epsilon(1e-12));
}

TEST_CASE("a file that does not exist reads as no repetitions", "[raw_results]") {
    ScratchFile file;
    CHECK(read_raw_results(file.path).repetition_ms.empty());
}

TEST_CASE("a torn last line is skipped, and a resumed writer cuts it off before appending", "[raw_results]") {
    ScratchFile file;
    RawResultsWriter::start_over(file.path).append({context, repetition("a/fwd/l/threads:1", 1.0)});
    const auto whole = fs::file_size(file.path);
    const std::string torn = repetition("a/fwd/l/threads:1", 9.0).dump();
    file.add_text(torn.substr(0, torn.size() / 2));  // killed halfway through a line

    const RawResults raw = read_raw_results(file.path);
    REQUIRE(raw.torn_line_at);
    CHECK(*raw.torn_line_at == whole);
    CHECK(raw.repetition_ms.at("a/fwd/l/threads:1") == std::vector<double>{1.0});

    RawResultsWriter::continue_after(file.path, raw.torn_line_at).append({repetition("b/fwd/l/threads:1", 2.0)});
    const RawResults resumed = read_raw_results(file.path);
    CHECK_FALSE(resumed.torn_line_at);
    CHECK(resumed.repetition_ms.at("a/fwd/l/threads:1") == std::vector<double>{1.0});
    CHECK(resumed.repetition_ms.at("b/fwd/l/threads:1") == std::vector<double>{2.0});
}

TEST_CASE("a whole last line without its newline is kept, and the next line starts on its own", "[raw_results]") {
    ScratchFile file;
    file.add_text(context.dump() + "\n" + repetition("a/fwd/l/threads:1", 1.0).dump());  // killed before the '\n'
    const RawResults raw = read_raw_results(file.path);
    CHECK_FALSE(raw.torn_line_at);
    CHECK(raw.repetition_ms.at("a/fwd/l/threads:1") == std::vector<double>{1.0});
    RawResultsWriter::continue_after(file.path, raw.torn_line_at).append({repetition("a/fwd/l/threads:1", 2.0)});
    CHECK(read_raw_results(file.path).repetition_ms.at("a/fwd/l/threads:1") == std::vector<double>{1.0, 2.0});
}

TEST_CASE("a row timed again in a later session keeps only that session's repetitions", "[raw_results]") {
    ScratchFile file;
    // Session 1 wrote row a, then was killed before its CSV row: session 2 runs a again.
    RawResultsWriter::start_over(file.path)
        .append({context, repetition("a/fwd/l/threads:1", 1.0), repetition("a/fwd/l/threads:1", 1.0),
                 repetition("b/fwd/l/threads:1", 5.0)});
    RawResultsWriter::continue_after(file.path, std::nullopt)
        .append({context, repetition("a/fwd/l/threads:1", 2.0), repetition("a/fwd/l/threads:1", 2.0),
                 repetition("a/fwd/l/threads:1", 2.0)});
    const RawResults raw = read_raw_results(file.path);
    CHECK(raw.repetition_ms.at("a/fwd/l/threads:1") == std::vector<double>{2.0, 2.0, 2.0});
    CHECK(raw.repetition_ms.at("b/fwd/l/threads:1") == std::vector<double>{5.0});  // not run again: kept
}

TEST_CASE("a line other than the last that is not a JSON object is refused", "[raw_results]") {
    ScratchFile file;
    file.add_text(context.dump() + "\nnot json\n" + repetition("a/fwd/l/threads:1", 1.0).dump() + "\n");
    CHECK_THROWS_AS(read_raw_results(file.path), InputError);
    CHECK_THROWS_WITH(read_raw_results(file.path), Catch::Contains("line 2"));
}

TEST_CASE("a repetition in an unknown time unit is refused", "[raw_results]") {
    ScratchFile file;
    RawResultsWriter::start_over(file.path).append({repetition("a/fwd/l/threads:1", 1.0, "fortnights")});
    CHECK_THROWS_WITH(read_raw_results(file.path), Catch::Contains("fortnights"));
}

TEST_CASE("an older convlab's single JSON document is read, and known as one", "[raw_results]") {
    ScratchFile file;
    const nlohmann::json document = {
        {"context", context["context"]},
        {"benchmarks", {repetition("a/fwd/l/threads:1", 4e-3, "s"), aggregate("a/fwd/l/threads:1", 4.0)}}};
    file.add_text(document.dump(2) + "\n");
    const RawResults raw = read_raw_results(file.path);
    CHECK(raw.single_document);
    REQUIRE(raw.repetition_ms.at("a/fwd/l/threads:1").size() == 1);
    CHECK(raw.repetition_ms.at("a/fwd/l/threads:1")[0] == Approx(4.0));
}
