// The one error contract: every error a user can cause (a bad descriptor,
// option, file, or an output that cannot be written) derives from InputError,
// which `convlab` turns into one line on stderr and exit status 2, and the
// Python module into ValueError. Anything else escaping is a bug (exit 3).
#pragma once

#include <stdexcept>

namespace convlab {

struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// An option, argument or environment variable that cannot be used as given
// (the harness, the Python module, the library's algorithms/settings.hpp).
struct UsageError : InputError {
    using InputError::InputError;
};

// A file that cannot be read, written, renamed or whose directory cannot be
// made; the message names the path and the system's reason.
struct IoError : InputError {
    using InputError::InputError;
};

}  // namespace convlab
