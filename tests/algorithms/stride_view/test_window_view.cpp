// The strided window view against its definition: every element of
// view(n, c, oh, ow, kh, kw) is x at (oh·sh - ph + kh·(dh+1), ow·sw - pw + kw·(dw+1)),
// or zero where that falls in the padding; the padded copy stays inside the
// size it declares.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "algorithms/stride_view/window_view.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

// x filled with distinct nonzero values, so a wrong index cannot match by luck.
std::vector<float> distinct_input(const Problem& p) {
    std::vector<float> x(p.x_elems());
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(i + 1);
    return x;
}

// Empty when every element of the view equals its definition, else the first
// element that does not.
std::string view_mismatch(const Problem& p) {
    const std::vector<float> x = distinct_input(p);
    const PaddedInput geometry = padded_input(p);
    constexpr float guard = -12345.0f;  // after the declared size: must survive pad_input
    std::vector<float> padded(geometry.elems + 64, guard);
    if (geometry.needs_copy) pad_input(p, x.data(), padded.data());
    for (size_t i = geometry.elems; i < padded.size(); ++i)
        if (padded[i] != guard) return "pad_input wrote past its declared size";
    const WindowView v = window_view(p, geometry.needs_copy ? padded.data() : x.data());
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t c = 0; c < p.ic; ++c)
            for (int64_t oh = 0; oh < p.oh; ++oh)
                for (int64_t ow = 0; ow < p.ow; ++ow)
                    for (int64_t kh = 0; kh < p.kh; ++kh)
                        for (int64_t kw = 0; kw < p.kw; ++kw) {
                            const int64_t ih = oh * p.sh - p.ph + kh * (p.dh + 1);
                            const int64_t iw = ow * p.sw - p.pw + kw * (p.dw + 1);
                            const bool inside = ih >= 0 && ih < p.ih && iw >= 0 && iw < p.iw;
                            const float expected = inside ? x[((n * p.ic + c) * p.ih + ih) * p.iw + iw] : 0.0f;
                            const float got = *v.at(n, c, oh, ow, kh, kw);
                            if (got != expected)
                                return fmt::format("view[{},{},{},{},{},{}] got {} expected {}", n, c, oh, ow, kh,
                                                   kw, got, expected);
                        }
    return {};
}

}  // namespace

TEST_CASE("window view strides are the as_strided ones of the padded input", "[window_view]") {
    // By hand: extents 3 and 3; bottom padding (3-1)*2 - 5 + 3 - 2 = 0, so
    // H = 2 + 5 + 0 = 7; right padding (3-1)*3 - 7 + 3 - 1 = 1, so W = 1 + 7 + 1 = 9.
    const Problem p = Problem::parse("mb2ic3ih5iw7oc4oh3ow3kh2kw3sh2sw3ph2pw1dh1dw0");
    const PaddedInput geometry = padded_input(p);
    REQUIRE(geometry.needs_copy);
    CHECK(geometry.height == 7);
    CHECK(geometry.width == 9);
    CHECK(geometry.elems == 2 * 3 * 7 * 9);
    const int64_t H = 7, W = 9;
    const WindowView v = window_view(p, nullptr);
    const std::vector<int64_t> shape(v.shape, v.shape + 6), stride(v.stride, v.stride + 6);
    CHECK(shape == std::vector<int64_t>{2, 3, 3, 3, 2, 3});
    CHECK(stride == std::vector<int64_t>{3 * H * W, H * W, 2 * W, 3, 2 * W, 1});
}

TEST_CASE("without positive padding the view lies over x itself", "[window_view]") {
    // Negative bottom and right padding: trailing rows and columns no window reads.
    const Problem p = Problem::parse("mb1ic2ih7iw8oc1oh2ow2kh3kw2sh2sw3ph0pw0");
    REQUIRE(p.ph_bottom() < 0);
    REQUIRE(p.pw_right() < 0);
    const PaddedInput geometry = padded_input(p);
    CHECK_FALSE(geometry.needs_copy);
    CHECK(geometry.elems == 0);
    const std::vector<float> x = distinct_input(p);
    CHECK(window_view(p, x.data()).data == x.data());
    CHECK(window_view(p, x.data()).stride[WindowView::c] == 7 * 8);
    CHECK(view_mismatch(p) == "");
}

TEST_CASE("window view matches its definition on awkward problems", "[window_view]") {
    const char* descriptor = GENERATE(
        "mb2ic3ih5iw7oc4oh3ow3kh2kw3sh2sw3ph2pw1dh1dw0",  // stride, dilation, asymmetric padding
        "mb1ic1ih1iw1oc1oh3ow5kh1kw1ph1pw2",              // 1x1 input with padding
        "mb1ic2ih4iw4oc1oh2ow2kh1kw1ph3pw3",               // padding larger than the kernel extent
        "mb1ic1ih1iw1oc1oh1ow1kh1kw1ph3pw2",               // windows that see only padding
        "mb1ic2ih9iw10oc1oh3ow2kh3kw3sh3sw4ph1pw2dh2dw1",  // negative bottom and right padding with padding on top
        "mb2ic2iw11oc1ow4kw3sw2pw1dw1");                  // 1-D
    const Problem p = Problem::parse(descriptor);
    INFO(descriptor << " -> " << p.str());
    CHECK(view_mismatch(p) == "");
}

TEST_CASE("window view matches its definition on random problems", "[window_view]") {
    testing::RandomProblems problems(testing::test_seed(7));
    for (int i = 0; i < 200; ++i) {
        const Problem p = problems.next();
        INFO(p.str());
        REQUIRE(view_mismatch(p) == "");
    }
}
