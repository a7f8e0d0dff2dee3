#include "harness/bench_options.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "harness/commands.hpp"

namespace convlab {

int parse_positive_int(const std::string& option, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || value < 1 || value > 1'000'000'000 ||
        !std::isdigit(static_cast<unsigned char>(text.front())))
        throw UsageError(fmt::format("{}: expected a whole number >= 1, got '{}'", option, text));
    return int(value);
}

double parse_positive_double(const std::string& option, const std::string& text) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value) || value <= 0)
        throw UsageError(fmt::format("{}: expected a number > 0, got '{}'", option, text));
    return value;
}

std::vector<int> parse_thread_list(const std::string& text) {
    std::vector<int> threads;
    std::set<int> seen;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const int n = parse_positive_int("--threads", item);
        if (n > 4096) throw UsageError(fmt::format("--threads: {} threads is more than 4096", n));
        if (!seen.insert(n).second) throw UsageError(fmt::format("--threads: {} is listed twice", n));
        threads.push_back(n);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return threads;
}

std::vector<std::string> benchmark_passthrough(const std::vector<std::string>& extras) {
    // Flags whose job a convlab option does: passing them would fight it (one
    // benchmark runs per RunSpecifiedBenchmarks call, each with its own settings).
    static const std::pair<const char*, const char*> owned[] = {
        {"--benchmark_out", "--json FILE"},
        {"--benchmark_out_format", "--json FILE"},
        {"--benchmark_filter", "--algo, --dir, --problem, --batch"},
        {"--benchmark_repetitions", "--repetitions N"},
        {"--benchmark_min_time", "--min-time S"},
        {"--benchmark_list_tests", "convlab list"},
    };
    for (const auto& extra : extras) {
        const std::string flag = extra.substr(0, extra.find('='));
        const bool is_benchmark_flag = flag.rfind("--benchmark_", 0) == 0 || flag == "--v";
        if (!is_benchmark_flag)
            throw UsageError(fmt::format("bench: unexpected argument '{}'", extra));
        for (const auto& [name, instead] : owned)
            if (flag == name) throw UsageError(fmt::format("bench: {} is set by convlab; use {}", name, instead));
    }
    return extras;
}

bool is_budgeted(std::string_view algorithm) { return algorithm == "naive" || algorithm == "reference"; }

std::string over_budget_reason(std::string_view algorithm, const Problem& p, double budget_gflop) {
    const double gflop = p.flops() / 1e9;
    if (!is_budgeted(algorithm) || gflop <= budget_gflop) return {};
    return fmt::format("over budget ({:.3g} GFLOP > {:g})", gflop, budget_gflop);
}

std::string format_duration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace convlab
