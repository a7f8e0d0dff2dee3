// The results CSV: quoting round-trips, malformed text is refused, rows with
// new phase columns widen the header, and --resume finds rows by key.
#include "harness/io/csv.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "harness/io/benchmark_names.hpp"
#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace convlab;

namespace {

using convlab::testing::ScratchDir;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

ResultRow row(std::string layer, std::string algorithm, std::string threads) {
    return {{"suite", "resnet_50"},  {"layer", std::move(layer)},     {"descriptor", "mb1ic4ih8oc4oh8kh3ph1"},
            {"algorithm", std::move(algorithm)}, {"direction", "fwd"}, {"threads", std::move(threads)},
            {"status", "PASSED"}};
}

}  // namespace

TEST_CASE("csv_field quotes only what needs quoting, doubling inner quotes", "[csv]") {
    CHECK(csv_field("im2col_gemm") == "im2col_gemm");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("mb1ic4n\"conv1\"") == "\"mb1ic4n\"\"conv1\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field(" padded") == "\" padded\"");
    CHECK(csv_line({"a", "b,c", ""}) == "a,\"b,c\",\n");
}

TEST_CASE("parse_csv reads back what csv_line writes", "[csv]") {
    const std::vector<std::string> header = {"name", "descriptor", "reason"};
    const std::vector<std::string> tricky = {"x", "mb2ic3n\"res:2a*3\"", "needs 3x3, stride 1\nno dilation"};
    const CsvTable table = parse_csv(csv_line(header) + csv_line(tricky) + csv_line({"", "", ""}));
    CHECK(table.header == header);
    REQUIRE(table.rows.size() == 2);
    CHECK(table.rows[0] == tricky);
    CHECK(table.rows[1] == std::vector<std::string>{"", "", ""});
}

TEST_CASE("parse_csv accepts CRLF and a missing final newline, skips blank lines", "[csv]") {
    const CsvTable table = parse_csv("a,b\r\n1,\"2\"\r\n\r\n3,4");
    REQUIRE(table.rows.size() == 2);
    CHECK(table.rows[0] == std::vector<std::string>{"1", "2"});
    CHECK(table.rows[1] == std::vector<std::string>{"3", "4"});
}

TEST_CASE("parse_csv refuses malformed text", "[csv]") {
    CHECK_THROWS_AS(parse_csv("a,b\n\"open,2\n"), CsvError);
    CHECK_THROWS_AS(parse_csv("a,b\n\"x\"y,2\n"), CsvError);
    CHECK_THROWS_WITH(parse_csv("a,b\n1,2,3\n"), Catch::Contains("3 fields"));
}

TEST_CASE("results CSV: fixed columns first, then the union of phase columns", "[csv]") {
    ScratchDir dir;
    const fs::path file = dir.path / "out.csv";
    std::vector<ResultRow> rows = {row("conv1", "naive", "1")};
    write_results_csv(file, rows);
    const std::string first = slurp(file);
    CHECK(first.rfind("suite,layer,descriptor,layer_class,weight,algorithm,direction,threads,", 0) == 0);

    // A row finishing later with phases widens the header; the earlier row gets empty cells.
    ResultRow with_phases = row("conv1", "im2col_gemm", "1");
    with_phases["phase_gemm_ms"] = "1.5";
    with_phases["phase_im2col_ms"] = "0.25";
    rows.push_back(with_phases);
    write_results_csv(file, rows);

    const CsvTable table = parse_csv(slurp(file));
    const std::vector<std::string> tail(table.header.end() - 2, table.header.end());
    CHECK(tail == std::vector<std::string>{"phase_gemm_ms", "phase_im2col_ms"});
    CHECK(table.header.size() == result_columns().size() + 2);

    const auto back = read_results_csv(file);
    REQUIRE(back.size() == 2);
    CHECK(back[0].at("phase_gemm_ms").empty());
    CHECK(back[1].at("phase_gemm_ms") == "1.5");
    CHECK(back[1].at("descriptor") == "mb1ic4ih8oc4oh8kh3ph1");
    CHECK(back[0].at("weight").empty());
}

TEST_CASE("resume: rows are found by suite, layer, descriptor, algorithm, direction, threads", "[csv]") {
    ScratchDir dir;
    const fs::path file = dir.path / "out.csv";
    CHECK(read_results_csv(file).empty());  // no file yet: nothing to resume

    write_results_csv(file, {row("conv1", "naive", "1"), row("conv1", "naive", "2")});
    const auto back = read_results_csv(file);
    REQUIRE(back.size() == 2);
    CHECK(result_key(back[0]) == result_key(row("conv1", "naive", "1")));
    CHECK(result_key(back[0]) != result_key(back[1]));
    CHECK(result_key(row("conv1", "naive", "1")) != result_key(row("conv1", "reference", "1")));
    // Keys keep their parts apart: a comma inside a value cannot fake another key.
    CHECK(result_key(row("a,b", "c", "1")) != result_key(row("a", "b,c", "1")));
}

TEST_CASE("resume: the ISA cap is part of the key, a row without it ran native", "[csv][isa]") {
    ResultRow old = row("conv1", "direct", "1");
    old.erase("isa");
    ResultRow native = old, capped = old, wide = old;
    native["isa"] = "native";
    capped["isa"] = "avx2";
    wide["isa"] = "avx512";
    CHECK(result_key(old) == result_key(native));
    CHECK(result_key(capped) != result_key(native));
    CHECK(result_key(capped) != result_key(wide));
    CHECK(benchmark_name(native) == "direct/fwd/conv1/threads:1");
    CHECK(benchmark_name(old) == "direct/fwd/conv1/threads:1");
    CHECK(benchmark_name(capped) == "direct/fwd/conv1/threads:1/isa:avx2");
    CHECK(std::find(result_columns().begin(), result_columns().end(), "isa") != result_columns().end());
    CHECK(std::find(validate_columns().begin(), validate_columns().end(), "isa") != validate_columns().end());
}

TEST_CASE("read_results_csv refuses a CSV without the key columns", "[csv]") {
    ScratchDir dir;
    const fs::path file = dir.path / "other.csv";
    std::ofstream(file) << "x,y\n1,2\n";
    CHECK_THROWS_WITH(read_results_csv(file), Catch::Contains("no column 'suite'"));
}
