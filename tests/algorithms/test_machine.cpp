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

TEST_CASE("parse_isa_cap reads avx2, avx512 and native, and refuses anything else naming them", "[machine][isa]") {
    CHECK(parse_isa_cap("--isa", "avx2") == Isa::avx2);
    CHECK(parse_isa_cap("--isa", "avx512") == Isa::avx512);
    CHECK(parse_isa_cap("--isa", "native") == std::nullopt);
    CHECK_THROWS_WITH(parse_isa_cap("--isa", "scalar"), "--isa: got 'scalar', expected avx2, avx512 or native");
    CHECK_THROWS_WITH(parse_isa_cap("--isa", "AVX2"), "--isa: got 'AVX2', expected avx2, avx512 or native");
    for (auto cap : {std::optional<Isa>(Isa::avx2), std::optional<Isa>(Isa::avx512), std::optional<Isa>()})
        CHECK(parse_isa_cap("isa", isa_cap_name(cap)) == cap);
}

TEST_CASE("an ISA cap lowers the machine's ISA and keeps its caches", "[machine][isa]") {
    Machine cpu{.l1d_bytes = 48 << 10, .l2_bytes = 2 << 20, .last_level_bytes = 32 << 20, .isa = Isa::avx512};
    IsaCap cap(cpu);
    CHECK(cap.cap() == std::nullopt);
    CHECK(cap.machine().isa == Isa::avx512);
    cap.set("--isa", Isa::avx2);
    CHECK(cap.cap() == Isa::avx2);
    CHECK(cap.machine().isa == Isa::avx2);
    CHECK(cap.machine().l2_bytes == cpu.l2_bytes);
    CHECK(cap.machine().last_level_bytes == cpu.last_level_bytes);
    cap.set("--isa", std::nullopt);  // nothing latched yet: the cap may still change
    CHECK(cap.machine().isa == Isa::avx512);
}

TEST_CASE("an ISA cap this CPU lacks is refused, naming the ones it has", "[machine][isa]") {
    IsaCap cap(Machine{.l1d_bytes = 32 << 10, .l2_bytes = 1 << 20, .last_level_bytes = 8 << 20, .isa = Isa::avx2});
    CHECK_THROWS_WITH(cap.set("--isa", Isa::avx512), "--isa: got 'avx512', expected an ISA this CPU has: native, avx2");
    CHECK(cap.cap() == std::nullopt);
    cap.set("--isa", Isa::avx2);
    CHECK(cap.machine().isa == Isa::avx2);
}

TEST_CASE("once a library latched the ISA cap, only the same cap is accepted", "[machine][isa]") {
    IsaCap cap(Machine{.l1d_bytes = 48 << 10, .l2_bytes = 2 << 20, .last_level_bytes = 32 << 20, .isa = Isa::avx512});
    cap.set("isa", Isa::avx2);
    CHECK(cap.latch() == Isa::avx2);
    CHECK_NOTHROW(cap.set("isa", Isa::avx2));
    CHECK_THROWS_WITH(cap.set("isa", std::nullopt),
                      "isa: got 'native', expected avx2, the cap this process's libraries already run at (one cap per "
                      "process)");
    CHECK_THROWS_WITH(cap.set("isa", Isa::avx512), Catch::StartsWith("isa: got 'avx512', expected avx2, "));
    CHECK(cap.machine().isa == Isa::avx2);
}
