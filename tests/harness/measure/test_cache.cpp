// CacheFlusher: its buffer is twice the last-level cache cpuinfo reports, and
// flush() reads and writes every line of it.
#include "harness/measure/cache.hpp"

#include <cpuinfo.h>

#include <catch2/catch.hpp>
#include <stdexcept>

using convlab::CacheFlusher;

TEST_CASE("the flush buffer is twice the last-level cache cpuinfo reports", "[cache]") {
    REQUIRE(cpuinfo_initialize());
    // Independently of cache.cpp's choice of level: the largest level present.
    const cpuinfo_cache* last = cpuinfo_get_l3_caches_count() > 0 ? cpuinfo_get_l3_caches() : cpuinfo_get_l2_caches();
    const uint32_t count = cpuinfo_get_l3_caches_count() > 0 ? cpuinfo_get_l3_caches_count() : cpuinfo_get_l2_caches_count();
    REQUIRE(cpuinfo_get_l4_caches_count() == 0);  // no x86 server we run on has one; revisit if it does
    int64_t expected = 0;
    for (uint32_t i = 0; i < count; ++i) expected += int64_t(last[i].size);
    CHECK(convlab::last_level_cache_bytes() == expected);
    CHECK(convlab::l2_cache_bytes() == int64_t(cpuinfo_get_l2_cache(0)->size));
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
