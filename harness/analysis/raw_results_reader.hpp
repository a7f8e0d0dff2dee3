// The one reader of `convlab bench`'s raw results (io/raw_results_writer.hpp:
// Google Benchmark's records as JSON lines): every repetition's time of every
// benchmark, for `compare`, `pick` and bench's --resume.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace convlab {

struct RawResults {
    // Benchmark name (benchmark_base_name: "ALGO/DIR/LAYER/threads:N") ->
    // the real time of each repetition, in milliseconds whatever the record's
    // time_unit (ns, us, ms, s). A benchmark timed again in a later session
    // (a resumed run redoing a row its CSV lost) keeps only the latest
    // session's repetitions; within a session they are pooled.
    std::map<std::string, std::vector<double>> repetition_ms;
    // The byte offset of a last line cut short (a run killed while writing
    // it): skipped, with a note on stderr.
    std::optional<std::uintmax_t> torn_line_at;
    // The file is an older convlab's single JSON document ({"context": ...,
    // "benchmarks": [...]}), read the same way; nothing can be appended to it.
    bool single_document = false;
};

// Empty when the file does not exist. Throws InputError for a file that is
// neither (a line other than the last that is not a JSON object, a
// repetition without a known time_unit).
RawResults read_raw_results(const std::filesystem::path& path);

}  // namespace convlab
