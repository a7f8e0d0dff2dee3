// Run metadata: the keys a reader of the results relies on are there and filled.
#include "harness/io/metadata.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

using convlab::environment_value;
using convlab::machine_metadata;
using convlab::metadata_path_for;

TEST_CASE("machine metadata has the machine, toolchain, libraries, environment and commit", "[metadata]") {
    const nlohmann::json meta = machine_metadata();
    for (const char* key : {"cpu", "compiler", "openblas", "onednn", "environment", "git", "date", "command_line"})
        CHECK(meta.contains(key));

    CHECK_FALSE(meta["cpu"]["model"].get<std::string>().empty());
    CHECK(meta["cpu"]["cores"].get<int>() >= 1);
    CHECK(meta["cpu"]["isa"].contains("avx2"));
    CHECK(meta["cpu"]["isa"].contains("avx512f"));
    CHECK(meta["cpu"]["isa"].contains("avx512_vnni"));
    CHECK(meta["cpu"]["caches"].contains("l2"));

    // The kernel OpenBLAS picked at run time: what decides its GEMM speed.
    CHECK_FALSE(meta["openblas"]["corename"].get<std::string>().empty());
    CHECK(meta["openblas"]["version"].get<std::string>().rfind("OpenBLAS ", 0) == 0);
    CHECK_FALSE(meta["openblas"]["config"].get<std::string>().empty());
    CHECK(meta["onednn"]["version"].get<std::string>().rfind("2.", 0) == 0);

    CHECK_FALSE(meta["compiler"]["version"].get<std::string>().empty());
    CHECK(meta["compiler"]["flags"].get<std::string>().find("-O") != std::string::npos);
    CHECK(meta["environment"].contains("OPENBLAS_CORETYPE"));
    CHECK(meta["environment"].contains("OPENBLAS_L2_SIZE"));
    // Recorded at build time (cmake/source_state.cmake; tests/tools/test_source_state.py tests the recording).
    const std::string commit = meta["git"]["commit"].get<std::string>();
    if (commit == "unknown") {
        CHECK(meta["git"]["dirty"].is_null());
    } else {
        CHECK(commit.size() == 40);
        CHECK(commit.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(meta["git"]["dirty"] == !meta["git"]["dirty_paths"].empty());
    }
    CHECK(meta["date"].get<std::string>().size() == 20);  // 2024-01-31T12:34:56Z
    const std::string executable = std::filesystem::read_symlink("/proc/self/exe").filename().string();
    CHECK(meta["command_line"].get<std::string>().find(executable) != std::string::npos);
}

TEST_CASE("environment_value reports unset variables as 'unset'", "[metadata]") {
    ::unsetenv("CONVLAB_TEST_METADATA_VAR");
    CHECK(environment_value("CONVLAB_TEST_METADATA_VAR") == "unset");
    ::setenv("CONVLAB_TEST_METADATA_VAR", "SKYLAKEX", 1);
    CHECK(environment_value("CONVLAB_TEST_METADATA_VAR") == "SKYLAKEX");
    ::unsetenv("CONVLAB_TEST_METADATA_VAR");
}

TEST_CASE("metadata goes beside the results file", "[metadata]") {
    CHECK(metadata_path_for("results/resnet_50.csv") == "results/resnet_50.meta.json");
    CHECK(metadata_path_for("out") == "out.meta.json");
}
