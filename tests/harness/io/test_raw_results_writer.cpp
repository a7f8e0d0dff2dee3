// The raw results writer's cost per row does not grow with the run: rows are
// appended, never rewritten. Timed on the writer alone (200 synthetic rows),
// not on a bench run, so the test takes a fraction of a second.
#include "harness/io/raw_results_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace convlab;

namespace {

constexpr int rows = 200;

// The lines of one row as bench writes them: 5 repetitions and 5 aggregates
// (median, mean, stddev, cv, min), each with Google Benchmark's fields: about
// 4 KB a row, as in a real run's raw results.
std::vector<nlohmann::json> synthetic_row(int k) {
    const std::string name = "algorithm/fwd/suite:layer_" + std::to_string(k) +
                             "/threads:2/min_time:0.050/repeats:5/real_time";
    std::vector<nlohmann::json> lines;
    for (int i = 0; i < 10; ++i)
        lines.push_back({{"name", i < 5 ? name : name + "_median"}, {"run_name", name},
                         {"run_type", i < 5 ? "iteration" : "aggregate"}, {"repetitions", 5},
                         {"repetition_index", i}, {"threads", 1}, {"iterations", 3},
                         {"real_time", 22.07 + k + i}, {"cpu_time", 21.08 + k}, {"time_unit", "ms"},
                         {"FLOPS", 8.55e10 + k}, {"family_index", 0}, {"per_family_instance_index", 0}});
    return lines;
}

// Seconds each of the 200 appends took; append_row(k) writes row k.
std::vector<double> append_seconds(const std::function<void(int)>& append_row) {
    std::vector<double> seconds;
    for (int k = 0; k < rows; ++k) {
        const auto start = std::chrono::steady_clock::now();
        append_row(k);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return seconds;
}

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    return v[v.size() / 2];
}

// The median append of the last 100 rows over that of the first 100. A
// writer whose append costs the same at any length gives about 1; one that
// rewrites everything so far, a + b*k at row k, gives (a + 150b) / (a + 50b),
// close to 3 once b*k dominates (more where caches fill up). Medians, not sums: a shared machine's
// preemptions hit a few appends, not the middle one. Hence the bound: 2, far
// from both (a fixed 3 would pass a rewriting writer, whose ratio stays below 3).
double late_over_early(const std::vector<double>& seconds) {
    const auto middle = seconds.begin() + rows / 2;
    return median({middle, seconds.end()}) / median({seconds.begin(), middle});
}

struct ScratchFile {
    fs::path path = fs::temp_directory_path() / ("convlab_test_raw_cost_" + std::to_string(::getpid()) + ".json");
    ScratchFile() { fs::remove(path); }
    ~ScratchFile() { fs::remove(path); }
};

constexpr double bound = 2.0;

}  // namespace

TEST_CASE("appending a row costs no more late in a run than early", "[raw_results][write_cost]") {
    ScratchFile file;
    auto writer = RawResultsWriter::start_over(file.path);
    std::vector<std::vector<nlohmann::json>> lines;
    for (int k = 0; k < rows; ++k) lines.push_back(synthetic_row(k));
    const double ratio = late_over_early(append_seconds([&](int k) { writer.append(lines[size_t(k)]); }));
    INFO("median append of rows 100-199 over rows 0-99: " << ratio);
    CHECK(ratio < bound);
}

TEST_CASE("the cost measure catches a writer that rewrites every row so far", "[raw_results][write_cost]") {
    // What bench did before its raw results were appended: everything so far
    // written again after each row (here into one open file, from its start,
    // so that the cost of opening files does not hide the growth). The same
    // measure must fail it.
    ScratchFile file;
    std::vector<std::vector<nlohmann::json>> lines;
    for (int k = 0; k < rows; ++k) lines.push_back(synthetic_row(k));
    std::ofstream out(file.path, std::ios::binary);
    const double ratio = late_over_early(append_seconds([&](int k) {
        out.seekp(0);
        for (int row = 0; row <= k; ++row)
            for (const auto& line : lines[size_t(row)]) out << line.dump() << '\n';
        out.flush();
    }));
    INFO("median rewrite of rows 100-199 over rows 0-99: " << ratio);
    CHECK(ratio > bound);
}
