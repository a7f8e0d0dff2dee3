// im2col_gemm (all directions) and im2col_gemm_fullconv (bwd_d) against the
// double reference through check() (exact on integer data, within tolerance
// on reals), on both threading paths (one image at a time with threaded BLAS;
// images in parallel with a workspace slice per thread); the workspace it
// stays under 64 MiB on ResNet-50, and bwd_w
// repeats bit for bit.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/check.hpp"
#include "harness/io/shape_file.hpp"
#include "tests/random_problem.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& algorithm(std::string_view name) {
    return testing::registered(name);
}

// Problems chosen for the code paths: 1x1 direct, strided 1x1, several row
// blocks per image (K * oh * ow beyond the block budget), groups, padding.
const char* const chosen[] = {
    "mb3ic16ih9oc8kh1ph0",              // 1x1 stride 1: no im2col
    "mb2ic16ih9oc8oh10kh1ph0",          // 1x1 with bottom padding: not direct
    "mb3ic12ih9oc8kh1sh2ph0",           // 1x1 stride 2
    "mb2ic64ih40oc8kh3ph1",             // several row blocks
    "g4mb3ic64ih33oc8kh3sh2ph1",        // groups and stride
    "mb2ic3ih23oc5oh9kh7sh2ph3",        // conv1-like, negative bottom padding
    "g2mb1ic4ih12oc6kh3dh1sh3ph4",      // dilation, padding beyond the extent, one image
    "g2mb5ic8ih7oc6kh3ph1",             // 7x7: several images per GEMM, an uneven split
    "g2mb7ic16ih7oc24kh1ph0",           // 7x7 1x1 direct: several images per GEMM, dx copied out
    "mb6ic8ih14oc16oh7kh1sh2ph0",       // strided 1x1 onto a 7x7 plane: batched im2col
};

}  // namespace

TEST_CASE("im2col_gemm matches the reference on chosen and random problems", "[im2col_gemm]") {
    const Algorithm& gemm = algorithm("im2col_gemm");
    for (int threads : {1, 2}) {
        for (const char* descriptor : chosen)
            for (Direction d : all_directions) {
                const Problem p = Problem::parse(descriptor);
                const Verdict v = check(gemm, p, d, 1, threads);
                INFO(threads << " threads " << to_string(d) << " " << p.str() << ": " << v.reason << " " << v.worst);
                CHECK(v.status == Status::passed);
            }
        const uint64_t seed = testing::test_seed(31 + uint64_t(threads));
        testing::RandomProblems problems(seed);
        for (int k = 0; k < 60; ++k) {
            const Problem p = problems.next();
            for (Direction d : all_directions) {
                const Verdict v = check(gemm, p, d, uint64_t(k), threads);
                INFO(threads << " threads, seed " << seed << " problem " << k << " " << to_string(d) << " "
                             << p.str() << ": " << v.reason << " " << v.worst);
                REQUIRE(v.status == Status::passed);
            }
        }
    }
}

TEST_CASE("im2col_gemm_fullconv runs bwd_d only and matches the reference", "[im2col_gemm]") {
    const Algorithm& fullconv = algorithm("im2col_gemm_fullconv");
    const Problem first = Problem::parse(chosen[0]);
    CHECK(testing::decline_reason(fullconv, first, Direction::fwd).starts_with("im2col_gemm_fullconv: "));
    CHECK(testing::decline_reason(fullconv, first, Direction::bwd_w).starts_with("im2col_gemm_fullconv: "));
    for (int threads : {1, 2}) {
        for (const char* descriptor : chosen) {
            const Problem p = Problem::parse(descriptor);
            const Verdict v = check(fullconv, p, Direction::bwd_d, 1, threads);
            INFO(threads << " threads " << p.str() << ": " << v.reason << " " << v.worst);
            CHECK(v.status == Status::passed);
        }
        testing::RandomProblems problems(testing::test_seed(41));
        for (int k = 0; k < 60; ++k) {
            const Problem p = problems.next();
            const Verdict v = check(fullconv, p, Direction::bwd_d, uint64_t(k), threads);
            INFO(threads << " threads, problem " << k << " " << p.str() << ": " << v.reason << " " << v.worst);
            REQUIRE(v.status == Status::passed);
        }
    }
}

TEST_CASE("im2col_gemm bwd_w repeats bit for bit at one thread count", "[im2col_gemm]") {
    const Algorithm& gemm = algorithm("im2col_gemm");
    for (const char* descriptor : {"mb5ic16ih14oc24kh3ph1", "mb4ic32ih9oc16kh1ph0", "mb7ic16ih7oc24kh3ph1"}) {
        const Problem p = Problem::parse(descriptor);
        INFO(p.str());
        ConvTensors first = make_tensors(p, Direction::bwd_w, Fill::reals, 9);
        ConvTensors again = make_tensors(p, Direction::bwd_w, Fill::reals, 9);
        testing::run_algorithm(gemm, p, Direction::bwd_w, first, 2);
        for (int repeat = 0; repeat < 3; ++repeat) {
            testing::run_algorithm(gemm, p, Direction::bwd_w, again, 2);
            REQUIRE(std::memcmp(first.dw.data(), again.dw.data(), size_t(p.w_elems()) * 4) == 0);
            REQUIRE(std::memcmp(first.db.data(), again.db.data(), size_t(p.b_elems()) * 4) == 0);
        }
    }
}

TEST_CASE("im2col_gemm workspace stays within 64 MiB on every ResNet-50 layer", "[im2col_gemm]") {
    const Algorithm& gemm = algorithm("im2col_gemm");
    const ShapeFile shapes = read_shape_file(find_shape_file("resnet_50"));
    REQUIRE(shapes.entries.size() >= 20);
    int64_t largest = 0;
    for (const ShapeEntry& entry : shapes.entries)
        for (int64_t mb : {1, 8, 64})
            for (Direction d : all_directions) {
                Problem p = entry.problem;
                p.mb = mb;
                const int64_t bytes = testing::workspace_bytes(gemm, p, d);
                INFO(p.str() << " " << to_string(d) << " " << bytes << " bytes at " << all_cores() << " threads");
                CHECK(bytes <= int64_t(64) << 20);
                largest = std::max(largest, bytes);
            }
    CHECK(largest > 0);  // the columns are counted at all
}
