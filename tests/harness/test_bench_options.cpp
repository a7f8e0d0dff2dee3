// The option parsing and small decisions of `convlab bench`.
#include "harness/bench_options.hpp"

#include <catch2/catch.hpp>

#include "harness/commands.hpp"

using namespace convlab;

TEST_CASE("bench --threads takes a comma list of distinct positive counts", "[bench_options]") {
    CHECK(parse_thread_list("1") == std::vector<int>{1});
    CHECK(parse_thread_list("1,2,4") == std::vector<int>{1, 2, 4});
    CHECK(parse_thread_list("2,1") == std::vector<int>{2, 1});
    for (const char* bad : {"", "0", "-1", "1,", ",1", "1,,2", "two", "1.5", "1,1", "5000", " 1", "99999999999"})
        CHECK_THROWS_AS(parse_thread_list(bad), UsageError);
    CHECK_THROWS_WITH(parse_thread_list("1,x"), Catch::Contains("--threads") && Catch::Contains("'x'"));
}

TEST_CASE("numeric options refuse zero, negatives, junk", "[bench_options]") {
    CHECK(parse_positive_int("--repetitions", "5") == 5);
    CHECK_THROWS_AS(parse_positive_int("--repetitions", "0"), UsageError);
    CHECK_THROWS_AS(parse_positive_int("--repetitions", "5x"), UsageError);
    CHECK_THROWS_AS(parse_positive_int("--repetitions", "+5"), UsageError);
    CHECK(parse_positive_double("--min-time", "0.01") == 0.01);
    CHECK(parse_positive_double("--budget-gflop", "2") == 2.0);
    for (const char* bad : {"0", "-0.1", "inf", "nan", "", "1s"})
        CHECK_THROWS_AS(parse_positive_double("--min-time", bad), UsageError);
}

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

TEST_CASE("the budget applies to naive and reference only, above the GFLOP limit", "[bench_options]") {
    // 2 * mb * oc * oh * ow * ic * kh * kw = 2 * 8 * 64 * 56 * 56 * 64 * 9 = 1.85e9
    const Problem big = Problem::parse("mb8ic64ih56oc64oh56kh3ph1");
    REQUIRE(big.flops() == Approx(1849688064.0));
    CHECK(over_budget_reason("naive", big, 1.0) == "over budget (1.85 GFLOP > 1)");
    CHECK(over_budget_reason("reference", big, 0.5) == "over budget (1.85 GFLOP > 0.5)");
    CHECK(over_budget_reason("naive", big, 2.0).empty());
    CHECK(over_budget_reason("im2col_gemm", big, 0.001).empty());
    CHECK(is_budgeted("naive"));
    CHECK_FALSE(is_budgeted("onednn"));
}

TEST_CASE("durations read as seconds, minutes, hours", "[bench_options]") {
    CHECK(format_duration(0) == "0s");
    CHECK(format_duration(44.6) == "45s");
    CHECK(format_duration(190) == "3m10s");
    CHECK(format_duration(3600 + 120 + 5) == "1h02m");
    CHECK(format_duration(-3) == "0s");
}
