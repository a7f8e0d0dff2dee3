#include "harness/io/raw_results_writer.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "algorithms/errors.hpp"

namespace convlab {

RawResultsWriter RawResultsWriter::start_over(std::filesystem::path path) { return {std::move(path), false}; }

RawResultsWriter RawResultsWriter::continue_after(std::filesystem::path path,
                                                  std::optional<std::uintmax_t> torn_line_at) {
    if (torn_line_at) {
        std::error_code error;
        std::filesystem::resize_file(path, *torn_line_at, error);
        if (error)
            throw IoError(fmt::format("cannot cut the torn last line off {}: {}", path.string(), error.message()));
    }
    RawResultsWriter writer(std::move(path), true);
    // A whole last line without its newline (killed between the two) is kept,
    // and the next line must not run on from it.
    std::ifstream in(writer.path_, std::ios::binary | std::ios::ate);
    if (in && in.tellg() > 0) {
        in.seekg(-1, std::ios::end);
        writer.line_break_first_ = in.get() != '\n';
    }
    return writer;
}

void RawResultsWriter::open() {
    out_.open(path_, keep_existing_ ? std::ios::binary | std::ios::app : std::ios::binary | std::ios::trunc);
    if (!out_) throw IoError(fmt::format("cannot write the raw results {}: {}", path_.string(), std::strerror(errno)));
}

void RawResultsWriter::append(const std::vector<nlohmann::json>& lines) {
    if (lines.empty()) return;
    if (!out_.is_open()) open();
    std::string text = std::exchange(line_break_first_, false) ? "\n" : "";
    for (const nlohmann::json& line : lines) text += line.dump() + '\n';
    out_.write(text.data(), std::streamsize(text.size()));
    out_.flush();
    if (!out_) throw IoError(fmt::format("cannot write the raw results {}: {}", path_.string(), std::strerror(errno)));
}

}  // namespace convlab
