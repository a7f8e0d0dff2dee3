// The raw results of `convlab bench` (--json FILE) as JSON lines: one JSON
// object a line, appended and flushed after each case, never rewritten, so a
// row costs the same to write at the end of a long run as at its start, and a
// run killed at any point (even SIGKILL) leaves every line written before the
// kill whole, and at most its last line cut short
// (analysis/raw_results_reader.hpp skips such a line).
//
// The lines, in order: {"context": ...} (Google Benchmark's context: machine,
// caches, load) where each bench session starts writing, then one line per
// Google Benchmark record of that session: every repetition
// ("run_type": "iteration") and aggregate, with Google Benchmark's own fields
// ("name", "run_name", "real_time", "time_unit", "FLOPS", ...).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace convlab {

class RawResultsWriter {
public:
    // A fresh run: the file is emptied when the first line is written (a run
    // that times nothing leaves it as it was).
    static RawResultsWriter start_over(std::filesystem::path path);
    // A resumed run appends to the file; `torn_line_at`, the offset of a last
    // line an earlier run left cut short, is cut off first, so that every
    // line stays whole.
    static RawResultsWriter continue_after(std::filesystem::path path, std::optional<std::uintmax_t> torn_line_at);

    // Writes `lines`, one JSON object a line, then flushes: the lines of a
    // case reach the file together, after it. Throws IoError on failure.
    void append(const std::vector<nlohmann::json>& lines);

    const std::filesystem::path& path() const { return path_; }

private:
    RawResultsWriter(std::filesystem::path path, bool keep_existing) : path_(std::move(path)), keep_existing_(keep_existing) {}
    void open();

    std::filesystem::path path_;
    bool keep_existing_;
    bool line_break_first_ = false;
    std::ofstream out_;
};

}  // namespace convlab
