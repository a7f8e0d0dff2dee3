// Writing a file so that readers see either the old content or the complete new
// content, never a half-written file: write to a temporary name beside the
// target (same directory, hence same file system), check, then rename over it.
// Used for .npy, CSV and JSON results, which an interrupted run must not leave
// truncated.
#pragma once

#include "algorithms/errors.hpp"

#include <filesystem>
#include <functional>
#include <ostream>
#include <stdexcept>

namespace convlab {

// The file could not be written (the message names it and the reason).
struct FileWriteError : IoError {
    using IoError::IoError;
};

// Calls `write` with a binary stream on a temporary file beside `path`, flushes,
// checks the stream, and renames the temporary onto `path`. On any failure,
// including an exception thrown by `write` (rethrown unchanged), the temporary
// is removed and `path` is left as it was. Failures of the file system throw
// FileWriteError. The rename is atomic on POSIX; durability against power loss
// (fsync) is not attempted.
void write_file_atomically(const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& write);

}  // namespace convlab
