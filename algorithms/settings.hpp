// Validators for the values a user sets, one per kind of value, shared by the
// environment variables, the command-line options and the Python module's
// arguments, so that every bad value is refused the same way: a SettingError
// (a UsageError: exit status 2 from `convlab`, ValueError in Python) whose
// one line names the setting, the value and what is accepted, e.g.
//   CONVLAB_ISA: got 'avx1024', expected avx2, avx512 or scalar
// The path kinds are in harness/io/paths.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/errors.hpp"

namespace convlab {

struct SettingError : UsageError {
    // `setting` as the user wrote it: CONVLAB_ISA, --threads, threads.
    SettingError(std::string_view setting, std::string_view value, std::string_view accepted);
    // The message without the leading "setting: ", for CLI11, which adds its own.
    const std::string& detail() const { return detail_; }

private:
    std::string detail_;
};

// The value of an environment variable; nullopt when unset or empty (the
// variable's default then applies, as when it is unset).
std::optional<std::string> environment_setting(const char* name);

// One of a list of names: returns its index in `accepted`.
size_t one_of(std::string_view setting, std::string_view value, const std::vector<std::string_view>& accepted);

// A thread count for OpenMP and OpenBLAS: a whole number from 1 to max_thread_count.
inline constexpr int max_thread_count = 4096;
int thread_count(std::string_view setting, std::string_view text);
int thread_count(std::string_view setting, long long value);

}  // namespace convlab
