#include "harness/cli/bench_options.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "harness/cli/commands.hpp"

namespace convlab {

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

std::string format_duration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace convlab
