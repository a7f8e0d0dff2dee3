// Machine against cpuinfo read here, independently of machine.cpp's choices:
// the last level is the largest present, summed over its instances.
#include <cpuinfo.h>

#include <catch2/catch.hpp>

#include "algorithms/machine.hpp"

using namespace convlab;

TEST_CASE("this_machine reports the caches cpuinfo sees", "[machine]") {
    REQUIRE(cpuinfo_initialize());
    const cpuinfo_cache* last = cpuinfo_get_l3_caches_count() > 0 ? cpuinfo_get_l3_caches() : cpuinfo_get_l2_caches();
    const uint32_t count = cpuinfo_get_l3_caches_count() > 0 ? cpuinfo_get_l3_caches_count() : cpuinfo_get_l2_caches_count();
    REQUIRE(cpuinfo_get_l4_caches_count() == 0);  // no x86 server we run on has one; revisit if it does
    int64_t expected = 0;
    for (uint32_t i = 0; i < count; ++i) expected += int64_t(last[i].size);
    const Machine& m = this_machine();
    CHECK(m.last_level_bytes == expected);
    CHECK(m.l2_bytes == int64_t(cpuinfo_get_l2_cache(0)->size));
    CHECK(m.l1d_bytes == int64_t(cpuinfo_get_l1d_cache(0)->size));
    CHECK(m.l1d_bytes < m.l2_bytes);
}

TEST_CASE("this_machine's ISA is the widest the CPU runs, and it runs the narrower ones", "[machine]") {
    REQUIRE(cpuinfo_initialize());
    const bool avx2 = cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3();
    const bool avx512 = avx2 && cpuinfo_has_x86_avx512f() && cpuinfo_has_x86_avx512vl() && cpuinfo_has_x86_avx512bw()
                     && cpuinfo_has_x86_avx512dq();
    const Machine& m = this_machine();
    CHECK(m.isa == (avx512 ? Isa::avx512 : avx2 ? Isa::avx2 : Isa::scalar));
    CHECK(m.runs(Isa::scalar));
    CHECK(m.runs(Isa::avx2) == avx2);
    CHECK(m.runs(Isa::avx512) == avx512);
}
