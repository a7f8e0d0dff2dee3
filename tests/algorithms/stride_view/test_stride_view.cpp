// stride_view against the double reference (through check(): integer data
// bit-exact, real data within tolerance) on problems chosen to hit every path
// of its kernels, on random problems, and for determinism and workspace size.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/check.hpp"
#include "tests/random_problem.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& stride_view() {
    return testing::registered("stride_view");
}

void check_all_directions(const Problem& p, uint64_t seed) {
    for (Direction d : all_directions) {
        INFO("convlab validate --algo stride_view --dir " << to_string(d) << " --problem '" << p.str() << "'");
        REQUIRE(testing::decline_reason(stride_view(), p, d) == "");
        const Verdict v = check(stride_view(), p, d, seed);
        INFO(v.reason << " " << v.worst);
        CHECK(v.status == Status::passed);
    }
}

}  // namespace

TEST_CASE("stride_view is exact on integers and declares it", "[stride_view]") {
    CHECK(stride_view().contract().exact_on_integers);
}

TEST_CASE("stride_view agrees with the reference on chosen problems", "[stride_view]") {
    const char* descriptor = GENERATE(
        "mb2ic3ih8oc5oh8kh3ph1",                          // 3x3 same padding, an oc tail of 1
        "mb1ic4ih14iw38oc9oh6ow18kh3kw3sh2sw2ph0pw0",     // stride 2 with remainders, ow with an overlapping tile
        "mb2ic3ih10iw11oc6oh3ow3kh2kw2sh3sw3ph1pw0",     // stride 3, negative bottom and right padding
        "mb1ic2ih9iw70oc7oh2ow70kh3kw3sh4sw1ph0pw1",     // negative bottom padding, ow beyond two full tiles
        "mb1ic2ih4iw5oc3oh10ow12kh2kw2ph4pw5",            // padding larger than the kernel extent
        "mb1ic3ih12iw17oc4oh8ow13kh3kw3ph1pw2dh1dw1",     // dilation 1 (PyTorch dilation 2)
        "mb2ic2ih15iw20oc3oh9ow14kh3kw2sh1sw1ph0pw0dh2dw2",  // dilation 2 (PyTorch 3)
        "g2mb2ic6ih7iw9oc10oh7ow9kh3kw3ph1pw1",           // two groups, 5 output channels each
        "g8mb2ic8ih10iw10oc8oh5ow5kh3kw3sh2sw2ph1pw1",    // depthwise, stride 2
        "g4mb1ic4ih6iw6oc8oh6ow6kh3kw3ph1pw1dh0dw0",      // depthwise with channel multiplier 2
        "mb3ic3iw40oc5ow19kw4sw2pw1dw1",                  // 1-D with stride and dilation
        "mb2ic3ih1iw1oc4oh3ow3kh1kw1ph1pw1",              // 1x1 input with padding
        "mb2ic16ih14iw14oc20oh7ow7kh1kw1sh2sw2ph0pw0",     // 1x1 stride 2 (a view over x, no copy)
        "mb2ic5ih9iw23oc18oh9ow23kh3kw3ph1pw1",           // 16-channel tiles, 16-wide tiles overlapping
        "mb1ic3ih6iw40oc19oh4ow40kh3kw3ph0pw1",           // 32-wide tiles overlapping, channels 8+8+2+1
        "mb1ic3ih5iw70oc8oh2ow34kh1kw2sh2sw2ph0pw0",      // stride 2 through the shuffled loads, 32 wide
        "mb1ic1ih1iw1oc1oh1ow1kh1kw1");                   // the smallest problem
    const Problem p = Problem::parse(descriptor);
    check_all_directions(p, 11);
}

TEST_CASE("stride_view agrees with the reference on random problems", "[stride_view]") {
    const uint64_t seed = testing::test_seed(4242);
    testing::RandomProblems problems(seed);
    for (int i = 0; i < 120; ++i) {
        const Problem p = problems.next();
        INFO("seed " << seed << " problem " << i);
        check_all_directions(p, seed + uint64_t(i));
    }
}

namespace {

// Runs `d` at `threads` threads; returns the outputs, failing if it wrote
// past the workspace it reports.
std::vector<float> run_guarded(const Problem& p, Direction d, int threads) {
    ConvTensors t = make_tensors(p, d, Fill::reals, 3);
    const Prepared prepared = stride_view().prepare(p, d, threads);
    REQUIRE(prepared);
    REQUIRE(testing::runs_within_workspace(*prepared.primitive, d, t));
    std::vector<float> result;
    for (const NamedOutput& out : outputs_of(d, t))
        result.insert(result.end(), out.tensor->data(), out.tensor->data() + out.tensor->size());
    return result;
}

}  // namespace

TEST_CASE("stride_view stays inside its workspace and is deterministic across thread counts", "[stride_view]") {
    const Problem p = Problem::parse("g2mb3ic6ih11iw13oc10oh6ow7kh3kw3sh2sw2ph1pw2dh0dw0");
    const Direction d = GENERATE(Direction::fwd, Direction::bwd_d, Direction::bwd_w);
    INFO(to_string(d));
    const std::vector<float> one_thread = run_guarded(p, d, 1);
    const std::vector<float> two_threads = run_guarded(p, d, 2);
    const std::vector<float> again = run_guarded(p, d, 2);
    // Bit-identical, not merely close: each output element has one owner and a
    // fixed summation order.
    REQUIRE(one_thread.size() == two_threads.size());
    CHECK(std::memcmp(one_thread.data(), two_threads.data(), one_thread.size() * sizeof(float)) == 0);
    CHECK(std::memcmp(two_threads.data(), again.data(), again.size() * sizeof(float)) == 0);
}

TEST_CASE("stride_view needs no workspace when the view can lie over x", "[stride_view]") {
    const Problem unpadded = Problem::parse("mb2ic16ih14iw14oc20oh7ow7kh1kw1sh2sw2ph0pw0");
    CHECK(testing::workspace_bytes(stride_view(), unpadded, Direction::fwd) == 0);
    CHECK(testing::workspace_bytes(stride_view(), unpadded, Direction::bwd_w) == 0);
    const Problem padded = Problem::parse("mb2ic3ih8iw8oc4oh8ow8kh3kw3ph1pw1");
    CHECK(testing::workspace_bytes(stride_view(), padded, Direction::fwd) == int64_t(sizeof(float)) * 2 * 3 * 10 * 10);
}
