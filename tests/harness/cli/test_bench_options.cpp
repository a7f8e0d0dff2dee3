// The small decisions of `convlab bench` and `validate`.
#include "harness/cli/bench_options.hpp"

#include <catch2/catch.hpp>

#include "harness/cli/commands.hpp"

using namespace convlab;

TEST_CASE("only Google Benchmark flags that convlab does not own pass through", "[bench_options]") {
    const std::vector<std::string> ok = {"--benchmark_format=json", "--benchmark_color=false", "--v=1",
                                         "--benchmark_counters_tabular"};
    CHECK(benchmark_passthrough(ok) == ok);
    CHECK(benchmark_passthrough({}).empty());
    CHECK_THROWS_WITH(benchmark_passthrough({"--bogus"}), Catch::Contains("unexpected argument '--bogus'"));
    CHECK_THROWS_WITH(benchmark_passthrough({"json"}), Catch::Contains("unexpected"));
    CHECK_THROWS_WITH(benchmark_passthrough({"--benchmark_out=x.json"}), Catch::Contains("--json"));
    CHECK_THROWS_WITH(benchmark_passthrough({"--benchmark_repetitions=3"}), Catch::Contains("--repetitions"));
    CHECK_THROWS_WITH(benchmark_passthrough({"--benchmark_filter=naive"}), Catch::Contains("--algo"));
}

TEST_CASE("durations read as seconds, minutes, hours", "[bench_options]") {
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(44.6) == "45s");
    CHECK(format_duration(190) == "3m10s");
    CHECK(format_duration(3600 + 120 + 5) == "1h02m");
    CHECK(format_duration(-3) == "0s");
}
