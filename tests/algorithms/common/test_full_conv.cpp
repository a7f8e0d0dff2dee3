// full_conv_backward_data with a plain-loop forward written here, against
// the reference backward data, on integer data (so exact), over strides with
// remainders, negative bottom padding, padding beyond the kernel extent,
// dilation, groups and 1-D problems.
#include <catch2/catch.hpp>

#include <cstddef>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "algorithms/reference/reference.hpp"
#include "algorithms/tensor.hpp"
#include "algorithms/common/full_conv.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

// Forward convolution, plain loops, no bias: independent of every algorithm.
void loop_forward(const Problem& p, const float* x, const float* w, float* y) {
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oc = 0; oc < p.oc; ++oc)
            for (int64_t oh = 0; oh < p.oh; ++oh)
                for (int64_t ow = 0; ow < p.ow; ++ow) {
                    double sum = 0;
                    const int64_t group = oc / p.ocg();
                    for (int64_t c = 0; c < p.icg(); ++c)
                        for (int64_t i = 0; i < p.kh; ++i)
                            for (int64_t j = 0; j < p.kw; ++j) {
                                const int64_t h = oh * p.sh - p.ph + i * (p.dh + 1);
                                const int64_t v = ow * p.sw - p.pw + j * (p.dw + 1);
                                if (h < 0 || h >= p.ih || v < 0 || v >= p.iw) continue;
                                sum += double(x[((n * p.ic + group * p.icg() + c) * p.ih + h) * p.iw + v]) *
                                       double(w[((oc * p.icg() + c) * p.kh + i) * p.kw + j]);
                            }
                    y[((n * p.oc + oc) * p.oh + oh) * p.ow + ow] = float(sum);
                }
}

std::vector<float> small_integers(int64_t n, std::mt19937_64& rng) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& e : v) e = float(int64_t(rng() % 7) - 3);
    return v;
}

// A stand-in forward: the plain loops, checking what it is handed.
class LoopForward final : public Primitive {
public:
    static constexpr int64_t bytes = 256;  // the loops need none; check the hand-over all the same
    explicit LoopForward(Problem expected) : Primitive(1), expected_(std::move(expected)) {}
    int64_t workspace_bytes() const override { return bytes; }
    mutable bool handed_over_right = true;
    mutable const std::byte* workspace = nullptr;

protected:
    void run(const ConvArgs& a) const override {
        workspace = a.workspace;
        handed_over_right = handed_over_right && a.b == nullptr;
        std::fill(a.workspace, a.workspace + bytes, std::byte{0xff});
        loop_forward(expected_, a.x, a.w, a.y);
    }

private:
    Problem expected_;
};

// The first element where full conv and the reference disagree, or "" when none.
std::string full_conv_mismatch(const Problem& p, uint64_t seed) {
    std::mt19937_64 rng(seed);
    const std::vector<float> dy = small_integers(p.y_elems(), rng), w = small_integers(p.w_elems(), rng);
    auto forward = std::make_unique<LoopForward>(full_conv(p).forward);
    const LoopForward* loops = forward.get();
    const auto primitive = full_conv_backward_data(p, std::move(forward));
    const int64_t total = primitive->workspace_bytes();
    constexpr int64_t guard = 64;
    Tensor workspace({(total + guard) / 4 + 16});
    std::byte* ws = reinterpret_cast<std::byte*>(workspace.data());
    std::fill(ws + total, ws + total + guard, std::byte{0x5a});
    Tensor dx({p.x_elems()});
    dx.fill(std::numeric_limits<float>::quiet_NaN());

    ConvArgs args;
    args.dy = dy.data(), args.w = w.data(), args.dx = dx.data(), args.workspace = ws;
    primitive->execute(args);
    if (!loops->handed_over_right || loops->workspace != ws + total - LoopForward::bytes)
        return "forward called with a bias or the wrong workspace";
    for (int64_t i = 0; i < guard; ++i)
        if (ws[total + i] != std::byte{0x5a}) return "wrote past the workspace";

    std::vector<double> dy64(dy.begin(), dy.end()), w64(w.begin(), w.end()), expected(size_t(p.x_elems()));
    reference_bwd_d(p, dy64.data(), w64.data(), expected.data());
    for (int64_t i = 0; i < p.x_elems(); ++i)
        if (!(double(dx[i]) == expected[size_t(i)]))
            return "dx[" + std::to_string(i) + "] got " + std::to_string(dx[i]) + " expected " +
                   std::to_string(expected[size_t(i)]);
    return "";
}

}  // namespace

TEST_CASE("full_conv maps backward data to a stride-1 forward problem", "[full_conv]") {
    // 3x3 stride 2 pad 1 on 7x7: oh = 4, extent 3, P = 1.
    const FullConv a = full_conv(Problem::parse("g2mb3ic4ih7oc6kh3sh2ph1"));
    CHECK(a.forward.ic == 6);
    CHECK(a.forward.oc == 4);
    CHECK(a.forward.g == 2);
    CHECK(a.forward.mb == 3);
    CHECK(a.forward.ih == 7);  // (4 - 1) * 2 + 1
    CHECK(a.forward.sh == 1);
    CHECK(a.forward.ph == 1);
    CHECK(a.forward.oh == 7);
    CHECK(a.crop_h == 0);
    // Padding 3 beyond extent - 1 = 1 for a 2-tap kernel with dilation 1: P = -1.
    const FullConv b = full_conv(Problem::parse("mb1ic1ih4oc1oh4kh2dh1ph3sh2"));
    CHECK(b.forward.ph == 0);
    CHECK(b.crop_h == 1);
    CHECK(b.forward.oh == 4 + 1);
    CHECK(b.forward.dh == 1);
}

TEST_CASE("full_conv_backward_data matches the reference on chosen problems", "[full_conv]") {
    const char* descriptor = GENERATE(
        "mb2ic3ih5oc2kh3ph1",                 // stride 1, same padding
        "mb2ic3ih8oc4kh3sh2ph1",              // stride 2, the last input row uncovered
        "mb1ic2ih11oc3kh3sh3ph0",             // stride 3 with a remainder of 2
        "mb1ic2ih10iw9oc2kh2kw3sh3sw2ph0pw1", // rectangular, different strides
        "mb2ic3ih9oc2oh3kh3sh2ph1",           // negative bottom padding (oh smaller than deduced)
        "mb1ic2ih4oc2oh6kh3ph3",              // padding 3 > extent - 1 = 2: cropped
        "mb1ic1ih5oc1kh1ph2sh2",              // 1x1 kernel with padding: crop 2
        "mb1ic2ih9oc2kh3dh1ph2",              // dilation
        "mb1ic2ih9oc2kh3dh2ph7sh2",           // dilation with padding beyond the extent
        "g3mb2ic6ih6oc9kh3sh2ph1",            // groups
        "g4mb1ic4ih7oc4kh3ph1",               // depthwise
        "mb2ic3iw17oc2kw5sw3pw2",             // 1-D
        "mb1ic2ih1oc3kh1ph1",                 // a 1x1 input with padding
        "mb1ic1ih3iw3oc1oh1ow1kh3kw3ph1pw1sh3sw3");
    const Problem p = Problem::parse(descriptor);
    INFO(p.str());
    CHECK(full_conv_mismatch(p, 7) == "");
}

TEST_CASE("full_conv_backward_data matches the reference on random problems", "[full_conv]") {
    const uint64_t seed = testing::test_seed(2024);
    testing::RandomProblems problems(seed);
    for (int i = 0; i < 300; ++i) {
        const Problem p = problems.next();
        INFO("seed " << seed << " problem " << i << ": " << p.str());
        REQUIRE(full_conv_mismatch(p, uint64_t(i)) == "");
    }
}
