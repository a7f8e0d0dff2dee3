// The case's layout (algorithms/layout.hpp): parsing, the permutations and
// their strides, each checked against an index computed by hand from the
// layout's definition.
#include "algorithms/layout.hpp"

#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "algorithms/common/nhwc_layouts.hpp"
#include "algorithms/settings.hpp"

using namespace convlab;

TEST_CASE("parse_layout reads a pair or a lone activation tag with its natural weights", "[case_layout]") {
    CHECK(parse_layout("--layout", "nchw") == Layout{ActivationLayout::nchw, WeightLayout::oihw});
    CHECK(parse_layout("--layout", "nhwc") == Layout{ActivationLayout::nhwc, WeightLayout::ohwi});
    CHECK(parse_layout("--layout", "nhwc:hwio") == Layout{ActivationLayout::nhwc, WeightLayout::hwio});
    CHECK(parse_layout("--layout", "nchw:iohw") == Layout{ActivationLayout::nchw, WeightLayout::iohw});
    for (const Layout& l : all_layouts()) CHECK(parse_layout("x", to_string(l)) == l);
    CHECK(all_layouts().size() == 8);
    CHECK(all_layouts().front() == Layout{});
    const auto nhwc = nchw_and_every_nhwc();
    REQUIRE(nhwc.size() == 5);
    CHECK(nhwc[0] == Layout{});
    CHECK(nhwc[1] == parse_layout("x", "nhwc"));
    for (size_t k = 1; k < nhwc.size(); ++k) CHECK(nhwc[k].activations == ActivationLayout::nhwc);
    for (const char* bad : {"", "NHWC", "nhwc:", "nchw:oihw:x", "chwn", ":oihw", "nhwc:hwoi"})
        CHECK_THROWS_AS(parse_layout("--layout", bad), SettingError);
    CHECK_THROWS_WITH(parse_layout("--layout", "nwhc"), Catch::StartsWith("--layout: got 'nwhc', expected nchw or nhwc"));
}

TEST_CASE("dims_in and strides_in follow each layout's axis order", "[case_layout]") {
    const std::vector<int64_t> act = {2, 3, 4, 5};  // n c h w
    CHECK(dims_in(act, axis_order(ActivationLayout::nchw)) == act);
    CHECK(dims_in(act, axis_order(ActivationLayout::nhwc)) == std::vector<int64_t>{2, 4, 5, 3});
    // NHWC element (n, c, h, w) is at ((n * H + h) * W + w) * C + c.
    CHECK(strides_in(act, axis_order(ActivationLayout::nhwc)) == std::array<int64_t, 4>{4 * 5 * 3, 1, 5 * 3, 3});
    const std::vector<int64_t> wei = {6, 3, 2, 4};  // o i kh kw
    CHECK(dims_in(wei, axis_order(WeightLayout::hwio)) == std::vector<int64_t>{2, 4, 3, 6});
    CHECK(dims_in(wei, axis_order(WeightLayout::ohwi)) == std::vector<int64_t>{6, 2, 4, 3});
    CHECK(dims_in(wei, axis_order(WeightLayout::iohw)) == std::vector<int64_t>{3, 6, 2, 4});
    // HWIO (o, i, h, w) at ((h * KW + w) * I + i) * O + o.
    CHECK(strides_in(wei, axis_order(WeightLayout::hwio)) == std::array<int64_t, 4>{1, 6, 4 * 3 * 6, 3 * 6});
    CHECK(strides_in(wei, axis_order(WeightLayout::iohw)) == std::array<int64_t, 4>{2 * 4, 6 * 2 * 4, 4, 1});
}

TEST_CASE("to_layout puts every element where the layout's definition says, and from_layout undoes it", "[case_layout]") {
    const std::vector<int64_t> dims = {2, 3, 4, 5};
    std::vector<float> canonical(120);
    std::iota(canonical.begin(), canonical.end(), 0.0f);
    std::vector<float> nhwc(120), back(120);
    to_layout(canonical.data(), dims, axis_order(ActivationLayout::nhwc), nhwc.data());
    for (int64_t n = 0; n < 2; ++n)
        for (int64_t c = 0; c < 3; ++c)
            for (int64_t h = 0; h < 4; ++h)
                for (int64_t w = 0; w < 5; ++w)
                    CHECK(nhwc[size_t(((n * 4 + h) * 5 + w) * 3 + c)] == canonical[size_t(((n * 3 + c) * 4 + h) * 5 + w)]);
    for (const Layout& l : all_layouts())
        for (const AxisOrder& order : {axis_order(l.activations), axis_order(l.weights)}) {
            std::vector<double> d(canonical.begin(), canonical.end()), laid(120), round(120);
            to_layout(d.data(), dims, order, laid.data());
            from_layout(laid.data(), dims, order, round.data());
            CHECK(round == d);
        }
    // IOHW with groups: [ic/g][oc][kh][kw], element (o, i, h, w) at ((i * O + o) * KH + h) * KW + w.
    std::vector<float> iohw(120);
    to_layout(canonical.data(), dims, axis_order(WeightLayout::iohw), iohw.data());
    CHECK(iohw[size_t(((2 * 2 + 1) * 4 + 3) * 5 + 4)] == canonical[size_t(((1 * 3 + 2) * 4 + 3) * 5 + 4)]);
    from_layout(iohw.data(), dims, axis_order(WeightLayout::iohw), back.data());
    CHECK(back == canonical);
}
