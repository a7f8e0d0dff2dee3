// libxsmm: LIBXSMM's direct convolution against the reference in every
// direction on the shapes its blocking treats differently (1x1, 3x3, 7x7,
// stride 2, channel counts below and off its 16/32/64 blocks) with one and
// two threads; the bias loops with and without a bias; the stages touching
// only what they should; and the problems it declines, with their reasons.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "algorithms/timing_phases.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& libxsmm() { return testing::registered("libxsmm"); }

std::vector<float> values(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

}  // namespace

TEST_CASE("libxsmm passes the check in every direction with 1 and 2 threads", "[libxsmm][check]") {
    CHECK(libxsmm().contract().exact_on_integers);
    CHECK(libxsmm().properties().baseline);
    CHECK(libxsmm().family() == "libxsmm");
    const std::string descriptor = GENERATE(
        "mb2ic16ih12oc32kh3ph1",         // 3x3, channels one block
        "mb2ic64ih8oc64kh1ph0",          // 1x1
        "mb2ic32ih14oc64kh1sh2ph0",      // 1x1 stride 2 (ResNet's projection)
        "mb2ic3ih30oc16kh7sh2ph3",       // 7x7 stride 2 on 3 channels (ResNet's conv1)
        "mb2ic24ih17oc40kh3sh2ph1",      // channels not a multiple of 16, odd size, stride 2
        "mb3ic96ih9oc80kh3ph1",          // channel blocks of 32 and 16 on AVX-512, mb not a multiple of 2
        "mb2ic8ih10iw13oc12kh3kw5ph1pw2" // rectangular input and kernel
    );
    const int threads = GENERATE(1, 2);
    const Problem p = Problem::parse(descriptor);
    for (Direction d : all_directions) {
        INFO(descriptor << " " << to_string(d) << " threads " << threads);
        REQUIRE(testing::decline_reason(libxsmm(), p, d, threads) == "");
        const Verdict v = check(libxsmm(), p, d, 7, threads);
        INFO(v.reason << " " << v.worst);
        CHECK(v.status == Status::passed);
    }
}

TEST_CASE("libxsmm adds the bias only when given one and computes db only when asked", "[libxsmm]") {
    const Problem p = Problem::parse("mb2ic16ih9oc24kh3ph1");
    const int threads = GENERATE(1, 2);
    INFO("threads " << threads);
    auto fwd = libxsmm().prepare(p, Direction::fwd, threads).primitive;
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 3);
    run_primitive(*fwd, Direction::fwd, t);
    const std::vector<float> with_bias = values(t.y), b = values(t.b);
    t.b = Tensor();  // bind() passes a null b for an empty tensor
    run_primitive(*fwd, Direction::fwd, t);
    const int64_t plane = p.oh * p.ow;
    int64_t wrong = 0;
    for (int64_t i = 0; i < t.y.size(); ++i) wrong += with_bias[size_t(i)] - t.y[i] != b[size_t(i / plane % p.oc)];
    CHECK(wrong == 0);  // integer data: the bias is the whole difference, exactly

    auto bwd_w = libxsmm().prepare(p, Direction::bwd_w, threads).primitive;
    ConvTensors g = make_tensors(p, Direction::bwd_w, Fill::integers, 4);
    run_primitive(*bwd_w, Direction::bwd_w, g);
    const std::vector<float> dw = values(g.dw);
    g.db = Tensor();
    run_primitive(*bwd_w, Direction::bwd_w, g);
    CHECK(values(g.dw) == dw);
}

TEST_CASE("libxsmm's convolution reads and writes only the staged buffers", "[libxsmm]") {
    const Problem p = Problem::parse("mb2ic16ih10oc32kh3ph1");
    const Direction d = GENERATE(Direction::fwd, Direction::bwd_d, Direction::bwd_w);
    INFO(to_string(d));
    auto primitive = libxsmm().prepare(p, d, 2).primitive;
    CHECK(primitive->implementation().rfind("LIBXSMM 1.17 dnn, ", 0) == 0);
    ConvTensors t = make_tensors(p, d, Fill::integers, 5);
    run_primitive(*primitive, d, t);
    std::vector<std::vector<float>> expected;
    for (const NamedOutput& out : outputs_of(d, t)) expected.push_back(values(*out.tensor)), out.tensor->fill(NAN);

    auto storage = aligned_floats(primitive->workspace_bytes() / 4 + 1);
    ConvArgs args = bind(t, d);
    args.workspace = reinterpret_cast<std::byte*>(storage.get());
    TimingPhases timing_phases;
    args.timing_phases = &timing_phases;
    primitive->stage_in(args);
    // The inputs are in the workspace now: poisoning the caller's copies must not matter.
    for (Tensor* in : {&t.x, &t.w, &t.dy})
        if (in->size() && !(d == Direction::fwd && in == &t.dy)) in->fill(NAN);
    primitive->execute(args);
    for (const NamedOutput& out : outputs_of(d, t))
        if (out.tensor != &t.db) CHECK(std::isnan(out.tensor->data()[0]));  // written by stage_out, not by run
    primitive->stage_out(args);
    for (const char* phase : {"reorder_in", "conv", "reorder_out"}) CHECK(timing_phases.seconds().count(phase) == 1);
    for (size_t i = 0; i < expected.size(); ++i) CHECK(values(*outputs_of(d, t)[i].tensor) == expected[i]);
    CHECK(testing::runs_within_workspace(*primitive, d, t));
}

TEST_CASE("libxsmm declines what LIBXSMM 1.17 does not do, with the reason", "[libxsmm]") {
    const auto why = [](const char* descriptor, Direction d = Direction::fwd) {
        return testing::decline_reason(libxsmm(), Problem::parse(descriptor), d);
    };
    for (Direction d : all_directions) {
        CHECK(why("g2mb2ic8ih9oc8kh3ph1", d) ==
              "libxsmm: no grouped convolution (the 1.17 conv descriptor has no group count)");
        CHECK(why("mb2ic8ih9oc8kh3ph2dh1", d) == "libxsmm: no dilation (the 1.17 conv descriptor has none)");
    }
    // Bottom padding 2 where the top has 1: LIBXSMM would compute one row fewer.
    CHECK(why("mb2ic8ih9iw9oc8oh10ow9kh3kw3ph1pw1") ==
          "libxsmm: pads symmetrically: padding top 1 bottom 2, left 1 right 1 gives 9x9 outputs, not 10x9");
    // Bottom padding below the top's that leaves only unread rows is what LIBXSMM computes.
    CHECK(why("mb2ic3ih224oc64oh112kh7sh2ph3") == "");
    CHECK(why("mb2ic8ih10oc8kh3sh2ph0") == "");  // stride 2 with a trailing unread row
}

TEST_CASE("libxsmm declines the paths LIBXSMM 1.17 gets wrong, and only those", "[libxsmm]") {
    const Problem p = Problem::parse("mb2ic16ih11oc32kh3sh2ph1");  // 6x6 outputs, stride 2
    const std::string reason =
        "libxsmm: LIBXSMM 1.17's weight update for 3x3, padding 1, at most 7 output rows and mb == threads is wrong "
        "with a stride above 1 and crashes with one output row or column";
    CHECK(testing::decline_reason(libxsmm(), p, Direction::bwd_w, 2) == reason);
    CHECK(testing::decline_reason(libxsmm(), Problem::parse("mb1ic16ih11oc32kh3sh2ph1"), Direction::bwd_w, 1) == reason);
    CHECK(testing::decline_reason(libxsmm(), Problem::parse("mb2ic1oc1ih1oh1kh3ph1"), Direction::bwd_w, 2) == reason);
    CHECK(testing::decline_reason(libxsmm(), Problem::parse("mb2ic1ih5iw1oc1oh5ow1kh3kw3ph1pw1"), Direction::bwd_w, 2) == reason);
    const Problem one_axis = Problem::parse("mb2ic23iw13oc64ow13kw3pw1");  // 1-D: padding along w only
    for (Direction d : {Direction::fwd, Direction::bwd_w})
        CHECK(testing::decline_reason(libxsmm(), one_axis, d) ==
              "libxsmm: LIBXSMM 1.17 pads the input (fwd, upd) only when both ph and pw are nonzero");
    CHECK(check(libxsmm(), one_axis, Direction::bwd_d).status == Status::passed);
    const Problem one_row = Problem::parse("mb1ic32oc32iw131ow130kw2");  // 1-D, one image
    CHECK(testing::decline_reason(libxsmm(), one_row, Direction::bwd_w, 2) ==
          "libxsmm: LIBXSMM 1.17's weight update leaves dW unwritten for one output row with fewer images than threads");
    CHECK(check(libxsmm(), one_row, Direction::bwd_w, 1, 1).status == Status::passed);
    for (const char* unequal_strides : {"mb2ic4ih4iw3oc4oh6ow3kh1kw1sh1sw2ph1pw1", "mb2ic5oc5ih2oh2kh1ph0iw10ow4kw1sw3pw0"})
        CHECK(testing::decline_reason(libxsmm(), Problem::parse(unequal_strides), Direction::bwd_w) ==
              "libxsmm: LIBXSMM 1.17's weight update leaves dW unwritten for a 1x1 kernel with unequal strides");
    for (const char* fifty_six : {"mb1ic32oc48ih112oh56kh1sh2ph0", "mb1ic32oc48ih8iw168oh3ow56kh1kw1sh3sw3ph0pw0"})
        CHECK(testing::decline_reason(libxsmm(), Problem::parse(fifty_six), Direction::bwd_w, 1) ==
              "libxsmm: LIBXSMM 1.17's weight update is wrong for a strided 1x1 kernel with 56 output columns");
    for (const char* neighbours : {"mb1ic32oc48ih8iw110oh4ow55kh1kw1sh2sw2ph0pw0", "mb1ic32oc48ih56oh28kh1sh2ph0"})
        CHECK(check(libxsmm(), Problem::parse(neighbours), Direction::bwd_w, 1, 1).status == Status::passed);
    // The same layer with another thread count, the other directions, stride 1: run and pass.
    for (const auto& [descriptor, d, threads] : {std::tuple{"mb2ic16ih11oc32kh3sh2ph1", Direction::bwd_w, 1},
                                                 {"mb2ic16ih11oc32kh3sh2ph1", Direction::fwd, 2},
                                                 {"mb2ic16ih11oc32kh3sh2ph1", Direction::bwd_d, 2},
                                                 {"mb2ic16ih7oc32kh3ph1", Direction::bwd_w, 2},
                                                 {"mb2ic8ih2oc8kh3ph1", Direction::bwd_w, 2},
                                                 {"mb2ic16ih15oc32kh3sh2ph1", Direction::bwd_w, 2}}) {
        INFO(descriptor << " " << to_string(d) << " threads " << threads);
        const Verdict v = check(libxsmm(), Problem::parse(descriptor), d, 1, threads);
        INFO(v.reason << " " << v.worst);
        CHECK(v.status == Status::passed);
    }
}
