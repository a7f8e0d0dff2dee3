// direct against the double reference through check() (exact on integer
// data, within tolerance on reals), every direction, on the presets, chosen
// shapes for each code path and random problems, with the ISA forced to each
// one the CPU has (CONVLAB_ISA), so both the AVX-512 and the AVX2 kernels are
// tested on an AVX-512 machine; 1 and 2 threads; the ISA override's errors
// (user errors, as a bad option); backward weights the same bit for bit at
// any thread count.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/errors.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/check.hpp"
#include "tests/forced_isa.hpp"
#include "tests/presets.hpp"
#include "tests/random_problem.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& direct_algorithm() {
    return testing::registered("direct");
}

using testing::ForcedIsa;
using testing::isas_of_this_cpu;

void check_all_directions(const Problem& p, int threads = all_cores()) {
    for (Direction d : all_directions) {
        INFO("convlab validate --algo direct --dir " << to_string(d) << " --threads " << threads << " --problem '"
                                                      << p.str() << "'");
        const Verdict v = check(direct_algorithm(), p, d, 1, threads);
        INFO(v.reason << " " << v.worst);
        CHECK(v.status == Status::passed);
    }
}

// One problem per code path: full channel blocks with stride 1 and 2 (the
// constant-offset kernels), other strides, small channel counts, flat 1x1
// planes, several lane blocks per tile, groups padded to blocks, depthwise,
// the NCHW 1x1 path.
const char* const chosen[] = {
    "mb2ic32ih12oc32kh3ph1",            // full blocks, stride 1, 3x3
    "mb2ic32ih13oc48kh3sh2ph1",         // stride 2, odd plane
    "mb1ic16ih11oc16kh3sh3ph1dh1",      // stride 3 with dilation: runtime step
    "mb2ic3ih23oc20oh9kh7sh2ph3",       // conv1-like: 3 channels, negative bottom padding
    "mb2ic3ih20oc64kh5sh2ph2",          // 3 channels, 4 (AVX-512) or 8 lane blocks: bwd_w's 4- and 2-block tiles
    "mb2ic64ih7oc64kh1",                // pointwise 7x7 plane
    "mb1ic1280ih7oc64kh1",              // a reduction in chunks (AVX-512): fwd over 80 blocks
    "mb1ic64ih7oc1296kh1",              // and bwd_d over 81, the last chunk short
    "mb2ic40ih14oc72kh1sh2",            // strided 1x1, partial blocks
    "mb2ic96ih14oc32kh1sh2",            // bwd_w reading a strided x in place (whole blocks)
    "g2mb2ic64ih9oc32kh1",              // the same with groups
    "mb2ic32ih16oc32oh7kh1sh2ph0",      // and with the last input rows unread
    "mb1ic16ih30oc64kh3ph1",            // wide rows: several tiles per row
    "g2mb2ic36ih9oc40kh3ph1",           // groups with partial blocks
    "g32mb2ic32ih10oc32kh3sh2ph1",      // depthwise, stride 2
    "g16mb1ic16ih9oc32kh3ph1",          // depthwise with multiplier 2
    "mb2ic20iw40oc24kw5sw2pw2",         // 1-D
    // The 1x1 path on NCHW (pixel rows that fill the vectors): remainder
    // rows, a partial last vector, a gathered strided input, groups.
    "mb2ic20ih16oc13kh1",               // 256 pixels, 13 rows: a full tile and single rows
    "mb2ic24ih12iw15oc20kh1kw1",        // 180 pixels: a partial last vector
    "mb2ic16ih31oc24oh16kh1sh2",        // stride 2, the last input row unread
    "g2mb2ic32ih16oc48kh1",             // groups
    "g24mb2ic24ih20oc24kh3sh2ph1",      // depthwise on planes, stride 2
    "g16mb1ic16ih12iw40oc16kh3kw3ph1dh1dw1",  // depthwise on planes, dilation
};

}  // namespace

TEST_CASE("direct matches the reference on every ISA of this CPU", "[direct]") {
    testing::check_on_every_isa(chosen, 2024, [](const Problem& p) { check_all_directions(p); });
}

TEST_CASE("direct runs with 1 and 2 threads on both thread-split paths", "[direct]") {
    for (int threads : {1, 2})
        for (const char* d : chosen) check_all_directions(Problem::parse(d), threads);
}

TEST_CASE("direct reports the ISA it runs", "[direct]") {
    const Problem p = Problem::parse("mb1ic16ih6oc16kh3ph1");
    for (Isa isa : isas_of_this_cpu()) {
        ForcedIsa forced(isa);
        CHECK(direct_algorithm().prepare(p, Direction::fwd, 1).primitive->implementation().starts_with(to_string(isa)));
    }
}

TEST_CASE("direct rejects an unknown or unavailable CONVLAB_ISA as a user error naming what is accepted", "[direct]") {
    const Problem p = Problem::parse("mb1ic16ih6oc16kh3ph1");
    {
        ForcedIsa forced("avx1024");
        CHECK_THROWS_AS(direct_algorithm().prepare(p, Direction::fwd, 1), InputError);
        CHECK_THROWS_WITH(direct_algorithm().prepare(p, Direction::fwd, 1),
                          "CONVLAB_ISA: got 'avx1024', expected avx2, avx512 or scalar");
    }
    for (Isa isa : {Isa::avx512, Isa::avx2}) {
        if (this_machine().runs(isa)) continue;
        const std::string name(to_string(isa));
        ForcedIsa forced(name.c_str());
        CHECK_THROWS_AS(direct_algorithm().prepare(p, Direction::fwd, 1), InputError);
        CHECK_THROWS_WITH(direct_algorithm().prepare(p, Direction::fwd, 1),
                          Catch::StartsWith("CONVLAB_ISA: got '" + name + "', expected an ISA this CPU has: ") &&
                              Catch::Contains("scalar") && !Catch::Contains(name + ","));
    }
}

TEST_CASE("direct backward weights is the same bit for bit at any thread count", "[direct]") {
    // Each dw element is summed by one thread over images, rows and columns in
    // that order, so the split of the elements among threads changes nothing.
    const Problem p = Problem::parse("mb3ic32ih9oc48kh3sh2ph1");
    std::vector<std::vector<float>> results;
    for (int threads : {1, 2, 3}) {
        ConvTensors t = make_tensors(p, Direction::bwd_w, Fill::reals, 5);
        testing::run_algorithm(direct_algorithm(), p, Direction::bwd_w, t, threads);
        std::vector<float> out(t.dw.data(), t.dw.data() + t.dw.size());
        out.insert(out.end(), t.db.data(), t.db.data() + t.db.size());
        results.push_back(out);
    }
    CHECK(results[0] == results[1]);
    CHECK(results[0] == results[2]);
}

TEST_CASE("direct depthwise backward weights ignores the input no output reads, even an Inf", "[direct]") {
    // Stride 2 over 20 columns reads columns 0-18 only. On planes (rows of 9
    // outputs: a vector's tail) the lanes past the row would meet column 19:
    // their inputs must be masked, or Inf x 0 makes a NaN of every dw.
    const Problem p = Problem::parse("g16mb1ic16ih20oc16kh3sh2ph0");
    for (Isa isa : isas_of_this_cpu()) {
        ForcedIsa forced(isa);
        INFO("CONVLAB_ISA=" << to_string(isa));
        ConvTensors clean = make_tensors(p, Direction::bwd_w, Fill::reals, 3);
        ConvTensors poisoned = make_tensors(p, Direction::bwd_w, Fill::reals, 3);
        for (int64_t c = 0; c < p.ic; ++c) poisoned.x[(c * p.ih + 19) * p.iw + 19] = poisoned.x[c * p.ih * p.iw + 19] =
            std::numeric_limits<float>::infinity();
        testing::run_algorithm(direct_algorithm(), p, Direction::bwd_w, clean);
        testing::run_algorithm(direct_algorithm(), p, Direction::bwd_w, poisoned);
        CHECK(std::vector<float>(clean.dw.data(), clean.dw.data() + clean.dw.size()) ==
              std::vector<float>(poisoned.dw.data(), poisoned.dw.data() + poisoned.dw.size()));
    }
}
