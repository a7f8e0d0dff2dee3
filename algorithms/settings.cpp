#include "algorithms/settings.hpp"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace convlab {
namespace {

// "a, b or c"
std::string alternatives(const std::vector<std::string_view>& names) {
    std::string text;
    for (size_t i = 0; i < names.size(); ++i)
        text += fmt::format("{}{}", i == 0 ? "" : i + 1 == names.size() ? " or " : ", ", names[i]);
    return text;
}

// The whole text as a number in [low, high], else nullopt: from_chars, which
// refuses signs, spaces, fractions and trailing junk that strtol would skip.
template <class T>
std::optional<T> whole_number(std::string_view text, T low, T high) {
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < low || value > high) return std::nullopt;
    return value;
}

}  // namespace

SettingError::SettingError(std::string_view setting, std::string_view value, std::string_view accepted)
    : UsageError(fmt::format("{}: got '{}', expected {}", setting, value, accepted)),
      detail_(fmt::format("got '{}', expected {}", value, accepted)) {}

std::optional<std::string> environment_setting(const char* name) {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
}

size_t one_of(std::string_view setting, std::string_view value, const std::vector<std::string_view>& accepted) {
    for (size_t i = 0; i < accepted.size(); ++i)
        if (accepted[i] == value) return i;
    throw SettingError(setting, value, alternatives(accepted));
}

int thread_count(std::string_view setting, std::string_view text) {
    if (const auto n = whole_number<int>(text, 1, max_thread_count)) return *n;
    throw SettingError(setting, text, fmt::format("a whole number of threads from 1 to {}", max_thread_count));
}

int thread_count(std::string_view setting, long long value) { return thread_count(setting, std::to_string(value)); }

}  // namespace convlab
