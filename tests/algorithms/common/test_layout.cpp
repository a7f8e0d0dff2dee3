// The layout transforms on small hand-checkable planes, and the identities
// that tie them together (erode undoes dilate, crop undoes pad, rot180 twice
// is the identity).
#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

#include "algorithms/common/layout.hpp"

using namespace convlab;

namespace {
std::vector<float> iota_floats(int64_t n, float first = 1.0f) {
    std::vector<float> v(static_cast<size_t>(n));
    std::iota(v.begin(), v.end(), first);
    return v;
}
}  // namespace

TEST_CASE("dilate_planes puts stride - 1 zeros between elements", "[layout]") {
    const std::vector<float> in = {1, 2, 3, 4, 5, 6};  // one 2x3 plane
    std::vector<float> out(size_t(dilated_size(2, 2) * dilated_size(3, 3)), -1.0f);
    REQUIRE(out.size() == 3 * 7);
    dilate_planes(in.data(), 1, 2, 3, 2, 3, out.data());
    const std::vector<float> expected = {1, 0, 0, 2, 0, 0, 3,  //
                                         0, 0, 0, 0, 0, 0, 0,  //
                                         4, 0, 0, 5, 0, 0, 6};
    CHECK(out == expected);
}

TEST_CASE("erode_planes undoes dilate_planes on several planes", "[layout]") {
    const int64_t planes = 3, h = 4, w = 5, sh = 3, sw = 2;
    const std::vector<float> in = iota_floats(planes * h * w);
    std::vector<float> dilated(size_t(planes * dilated_size(h, sh) * dilated_size(w, sw)), -1.0f);
    dilate_planes(in.data(), planes, h, w, sh, sw, dilated.data());
    std::vector<float> back(in.size(), -1.0f);
    REQUIRE(eroded_size(dilated_size(h, sh), sh) == h);
    erode_planes(dilated.data(), planes, dilated_size(h, sh), dilated_size(w, sw), sh, sw, back.data());
    CHECK(back == in);
    // Nothing but the elements and zeros: the sums agree.
    CHECK(std::accumulate(dilated.begin(), dilated.end(), 0.0) == std::accumulate(in.begin(), in.end(), 0.0));
}

TEST_CASE("erode_planes keeps every stride-th element from the first", "[layout]") {
    const std::vector<float> in = iota_floats(5 * 4);  // one 5x4 plane
    std::vector<float> out(size_t(eroded_size(5, 2) * eroded_size(4, 3)), -1.0f);
    REQUIRE(out.size() == 3 * 2);
    erode_planes(in.data(), 1, 5, 4, 2, 3, out.data());
    CHECK(out == std::vector<float>{1, 4, 9, 12, 17, 20});
}

TEST_CASE("pad_planes surrounds each plane with zeros; crop_planes takes it back", "[layout]") {
    const std::vector<float> in = iota_floats(2 * 2 * 2);  // two 2x2 planes
    std::vector<float> padded(size_t(2 * (1 + 2 + 0) * (0 + 2 + 2)), -1.0f);
    pad_planes(in.data(), 2, 2, 2, 1, 0, 0, 2, padded.data());
    const std::vector<float> expected = {0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0,  //
                                         0, 0, 0, 0, 5, 6, 0, 0, 7, 8, 0, 0};
    CHECK(padded == expected);
    std::vector<float> cropped(in.size(), -1.0f);
    crop_planes(padded.data(), 2, 3, 4, 1, 0, 2, 2, cropped.data());
    CHECK(cropped == in);
}

TEST_CASE("crop_planes takes an inner window", "[layout]") {
    const std::vector<float> in = iota_floats(4 * 5);  // one 4x5 plane
    std::vector<float> out(2 * 3, -1.0f);
    crop_planes(in.data(), 1, 4, 5, 1, 2, 2, 3, out.data());
    CHECK(out == std::vector<float>{8, 9, 10, 13, 14, 15});
}

TEST_CASE("rot180_weights rotates taps and swaps channels within each group", "[layout]") {
    const int64_t g = 2, ocg = 3, icg = 2, kh = 2, kw = 3;
    const std::vector<float> w = iota_floats(g * ocg * icg * kh * kw);
    std::vector<float> r(w.size(), -1.0f);
    rot180_weights(w.data(), g, ocg, icg, kh, kw, r.data());
    for (int64_t gi = 0; gi < g; ++gi)
        for (int64_t o = 0; o < ocg; ++o)
            for (int64_t i = 0; i < icg; ++i)
                for (int64_t a = 0; a < kh; ++a)
                    for (int64_t b = 0; b < kw; ++b) {
                        const float got = r[size_t((((gi * icg + i) * ocg + o) * kh + a) * kw + b)];
                        const float want = w[size_t((((gi * ocg + o) * icg + i) * kh + (kh - 1 - a)) * kw + (kw - 1 - b))];
                        INFO(gi << " " << o << " " << i << " " << a << " " << b);
                        REQUIRE(got == want);
                    }
    // The first output tap of group 1, input channel 0, output channel 0 is the
    // last tap of w[3][0]: (3 * 2 + 0) * 6 + 5 + 1 = 42.
    CHECK(r[size_t(((1 * icg + 0) * ocg + 0) * kh * kw)] == 42.0f);
    std::vector<float> back(w.size(), -1.0f);
    rot180_weights(r.data(), g, icg, ocg, kh, kw, back.data());
    CHECK(back == w);
}
