// indirect against the double reference through check() (exact on integer
// data, within tolerance on reals), every direction, on the presets, chosen
// shapes for each feature (groups, depthwise, stride 2, dilation 2,
// asymmetric padding, 1x1, channel counts off the vector width, phases no
// tap reaches) and random problems, with the ISA forced to each one the CPU
// has (CONVLAB_ISA), so the AVX2 and scalar kernels are tested on an AVX-512
// machine; results the same at any thread count; the implementation string
// and the workspace it reports.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/direct/isa.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "harness/verify/layout_tensors.hpp"
#include "tests/forced_isa.hpp"
#include "tests/algorithm_calls.hpp"
#include "tests/presets.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

const Algorithm& indirect_algorithm() { return testing::registered("indirect"); }

using testing::ForcedIsa;
using testing::isas_of_this_cpu;

void check_all_directions(const Problem& p, int threads = all_cores()) {
    for (Direction d : all_directions) {
        INFO("convlab validate --algo indirect --dir " << to_string(d) << " --problem '" << p.str() << "'");
        const Verdict v = check(indirect_algorithm(), p, d, 1, threads);
        INFO(v.reason << " " << v.worst);
        CHECK(v.status == Status::passed);
    }
}

const char* const chosen[] = {
    "mb2ic32ih12oc32kh3ph1",                 // whole panels and tiles, 3x3
    "mb2ic40ih13oc72kh3sh2ph1",              // stride 2, partial panels (72 = 64 + 8)
    "mb1ic16ih11oc16kh3sh3ph1dh1",           // stride 3 with dilation
    "mb2ic12ih14iw13oc20kh3kw3dh2dw2ph2",    // dilation 2
    "mb2ic3ih23oc20oh9kh7sh2ph3",            // conv1-like: 3 channels, negative bottom padding
    "mb2ic5ih8iw7oc6oh9ow8kh3kw3ph1pw0",     // asymmetric padding: 1 top, 2 bottom; 0 left, 3 right
    "mb2ic64ih7oc48kh1",                     // 1x1, 49 pixels a plane
    "mb2ic40ih14oc24kh1sh2",                 // strided 1x1: input rows and columns unread
    "g2mb2ic36ih9oc40kh3ph1",                // groups with partial panels
    "g4mb1ic8ih9oc12kh3ph1",                 // groups of 2 input, 3 output channels
    "g2mb2ic8ih9oc40kh3ph1",                 // groups of 4 input channels: bwd_w by tap groups (AVX-512)
    "mb2ic3ih30oc64oh15kh7sh2ph3",           // conv1's channels: bwd_w by tap groups, partial last group
    "g32mb2ic32ih10oc32kh3sh2ph1",           // depthwise (ic/g = 1), stride 2
    "g16mb1ic16ih9oc32kh3ph1",               // depthwise, multiplier 2
    "mb1ic4ih9oc4kh2sh4",                    // stride above the kernel: dx rows no tap reaches
    "mb2ic20iw40oc24kw5sw2pw2",              // 1-D
    "mb1ic33ih5iw6oc70kh2kw3",                  // every channel count off the vector widths
};

}  // namespace

TEST_CASE("indirect matches the reference on every ISA of this CPU", "[indirect]") {
    testing::check_on_every_isa(chosen, 2025, [](const Problem& p) { check_all_directions(p); });
}

TEST_CASE("indirect gives the same bits at 1, 2 and 3 threads", "[indirect]") {
    // Each output element is summed by one kernel call in a fixed order, so
    // how the tiles and tasks are split between threads changes nothing.
    for (const char* desc : {"mb3ic32ih9oc48kh3sh2ph1", "g2mb2ic12ih8oc20kh3sh2ph1"})
        for (Direction d : all_directions) {
            const Problem p = Problem::parse(desc);
            INFO(desc << " " << to_string(d));
            std::vector<std::vector<float>> results;
            for (int threads : {1, 2, 3}) {
                ConvTensors t = make_tensors(p, d, Fill::reals, 5);
                testing::run_algorithm(indirect_algorithm(), p, d, t, threads);
                std::vector<float> out;
                for (const Tensor* tensor : {&t.y, &t.dx, &t.dw, &t.db})
                    out.insert(out.end(), tensor->data(), tensor->data() + tensor->size());
                results.push_back(out);
            }
            CHECK(results[0] == results[1]);
            CHECK(results[0] == results[2]);
            check_all_directions(p, 1);
        }
}

TEST_CASE("indirect says which kernels run and that the layouts are converted outside the timed call", "[indirect]") {
    const Problem p = Problem::parse("mb1ic16ih6oc48kh3ph1");
    for (Isa isa : isas_of_this_cpu()) {
        ForcedIsa forced(isa);
        const std::string what = indirect_algorithm().prepare(p, Direction::fwd, 1).primitive->implementation();
        CHECK_THAT(what, Catch::StartsWith("indirect NHWC, " + std::string(to_string(isa)) + " "));
        CHECK_THAT(what, Catch::Contains("outside the timed call"));
    }
}

TEST_CASE("indirect reports its pointer buffer and staging buffers as its workspace", "[indirect]") {
    // mb2 ic16 8x8 -> oc32 8x8, 3x3: the pointers alone are 128 pixels x 9 taps.
    const Problem p = Problem::parse("mb2ic16ih8oc32kh3ph1");
    const int64_t pointers = 128 * 9 * int64_t(sizeof(const float*));
    const int64_t staging = (p.x_elems() + p.y_elems()) * int64_t(sizeof(float));
    const int64_t weights = p.w_elems() * int64_t(sizeof(float));
    for (Direction d : all_directions) {
        INFO(to_string(d));
        const int64_t bytes = testing::workspace_bytes(indirect_algorithm(), p, d, 1);
        CHECK(bytes >= pointers + staging + (d == Direction::bwd_w ? 0 : weights));
        CHECK(bytes < 4 * (pointers + staging + weights));
    }
}

TEST_CASE("in NHWC indirect runs in place: its workspace is the pointer buffer and packed weights, and it stays in it",
          "[indirect]") {
    const Problem p = Problem::parse("mb2ic16ih8oc32kh3ph1");
    const Layout nhwc = parse_layout("t", "nhwc:hwio");
    const int64_t pointers = 128 * 9 * int64_t(sizeof(const float*));
    const int64_t weights = p.w_elems() * int64_t(sizeof(float));
    for (Direction d : all_directions) {
        INFO(to_string(d));
        const Prepared prepared = indirect_algorithm().prepare_in(p, d, 2, nhwc);
        REQUIRE(prepared);
        const Primitive& primitive = *prepared.primitive;
        CHECK_THAT(primitive.implementation(), Catch::Contains("in place on the caller's NHWC tensors"));
        // No staged activations: pointers, packed weights (or bwd_w's dW tiles), a zero row, rounding.
        const int64_t bytes = primitive.workspace_bytes();
        CHECK(bytes >= pointers + weights);
        CHECK(bytes < pointers + 2 * weights + 4096);
        ConvTensors t = in_layout(make_tensors(p, d, Fill::reals, 4), d, nhwc);
        CHECK(testing::runs_within_workspace(primitive, d, t));
        // The checker, which allocates its own (poisoned) workspace.
        CHECK(check(primitive, indirect_algorithm().contract(), p, d, 1, nhwc).status == Status::passed);
    }
}

TEST_CASE("indirect backward weights ignores the input no output reads, even an Inf", "[indirect]") {
    // Stride 2 over 20 columns reads columns 0-18 only; an Inf in column 19
    // (or in a channel past a tile's real ones) must reach no dw.
    for (const char* desc : {"mb1ic16ih20oc16kh3sh2ph0", "g16mb1ic16ih20oc16kh3sh2ph0", "mb1ic5ih20oc3kh3sh2ph0"}) {
        const Problem p = Problem::parse(desc);
        for (Isa isa : isas_of_this_cpu()) {
            ForcedIsa forced(isa);
            INFO(desc << " CONVLAB_ISA=" << to_string(isa));
            ConvTensors clean = make_tensors(p, Direction::bwd_w, Fill::reals, 3);
            ConvTensors poisoned = make_tensors(p, Direction::bwd_w, Fill::reals, 3);
            for (int64_t c = 0; c < p.ic; ++c) {
                poisoned.x[(c * p.ih + 19) * p.iw + 19] = std::numeric_limits<float>::infinity();
                poisoned.x[c * p.ih * p.iw + 19] = std::numeric_limits<float>::infinity();
            }
            testing::run_algorithm(indirect_algorithm(), p, Direction::bwd_w, clean);
            testing::run_algorithm(indirect_algorithm(), p, Direction::bwd_w, poisoned);
            CHECK(std::vector<float>(clean.dw.data(), clean.dw.data() + clean.dw.size()) ==
                  std::vector<float>(poisoned.dw.data(), poisoned.dw.data() + poisoned.dw.size()));
        }
    }
}
