// CacheFlusher: its buffer is twice the last-level cache (Machine, tested in
// tests/algorithms/test_machine.cpp), and flush() reads and writes every line of it.
#include "harness/measure/cache.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "algorithms/machine.hpp"

using convlab::CacheFlusher;

TEST_CASE("the flush buffer is twice the last-level cache", "[cache]") {
    const int64_t expected = convlab::this_machine().last_level_bytes;
    REQUIRE(expected > 0);
    const CacheFlusher flusher(2);
    CHECK(flusher.bytes() == 2 * expected);
    CHECK(flusher.threads() == 2);
}

TEST_CASE("flush reads and increments one word of every line", "[cache]") {
    CacheFlusher flusher(2, 1000 * 64 + 1);  // rounds up to 1001 lines
    REQUIRE(flusher.bytes() == 1001 * 64);
    CHECK(flusher.flush() == 0);
    CHECK(flusher.flush() == 1001);
    CHECK(flusher.flush() == 2 * 1001);
    CacheFlusher single(1, 64);
    CHECK(single.flush() == 0);
    CHECK(single.flush() == 1);
}

TEST_CASE("CacheFlusher refuses a non-positive size or thread count", "[cache]") {
    CHECK_THROWS_AS(CacheFlusher(0, 64), std::invalid_argument);
    CHECK_THROWS_AS(CacheFlusher(1, 0), std::invalid_argument);
}
