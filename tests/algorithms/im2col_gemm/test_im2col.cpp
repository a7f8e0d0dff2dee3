// im2col against hand-worked values and an independent loop, blocks of rows
// against the whole image, and the adjoint identity <im2col(x), c> =
// <x, col2im(c)> in double (it catches a scatter written with = for +=).
#include <catch2/catch.hpp>

#include <random>
#include <vector>

#include "algorithms/im2col_gemm/im2col.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

// The column matrix by its definition, one element at a time.
std::vector<float> loop_im2col(const Problem& p, const float* x, int64_t oh_begin, int64_t oh_end) {
    const int64_t n = (oh_end - oh_begin) * p.ow;
    std::vector<float> col(static_cast<size_t>(im2col_rows(p) * n));
    for (int64_t c = 0; c < p.icg(); ++c)
        for (int64_t i = 0; i < p.kh; ++i)
            for (int64_t j = 0; j < p.kw; ++j)
                for (int64_t oh = oh_begin; oh < oh_end; ++oh)
                    for (int64_t ow = 0; ow < p.ow; ++ow) {
                        const int64_t h = oh * p.sh - p.ph + i * (p.dh + 1);
                        const int64_t w = ow * p.sw - p.pw + j * (p.dw + 1);
                        const bool inside = h >= 0 && h < p.ih && w >= 0 && w < p.iw;
                        col[size_t(((c * p.kh + i) * p.kw + j) * n + (oh - oh_begin) * p.ow + ow)] =
                            inside ? x[(c * p.ih + h) * p.iw + w] : 0.0f;
                    }
    return col;
}

std::vector<float> random_floats(int64_t n, std::mt19937_64& rng) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& e : v) e = u(rng);
    return v;
}

const std::vector<float> one_to_nine = {1, 2, 3, 4, 5, 6, 7, 8, 9};

}  // namespace

TEST_CASE("im2col of a 3x3 image, 2x2 kernel, by hand", "[im2col]") {
    const Problem p = Problem::parse("mb1ic1ih3oc1kh2");
    std::vector<float> col(16, -1.0f);
    im2col(p, one_to_nine.data(), 0, p.oh, col.data());
    CHECK(col == std::vector<float>{1, 2, 4, 5, /**/ 2, 3, 5, 6, /**/ 4, 5, 7, 8, /**/ 5, 6, 8, 9});
}

TEST_CASE("im2col with stride 2 and padding 1, by hand", "[im2col]") {
    const Problem p = Problem::parse("mb1ic1ih3oc1kh2sh2ph1");
    REQUIRE(p.oh == 2);
    std::vector<float> col(16, -1.0f);
    im2col(p, one_to_nine.data(), 0, p.oh, col.data());
    CHECK(col == std::vector<float>{0, 0, 0, 5, /**/ 0, 0, 4, 6, /**/ 0, 2, 0, 8, /**/ 1, 3, 7, 9});
}

TEST_CASE("im2col matches the loop definition, whole images and blocks of rows", "[im2col]") {
    const uint64_t seed = testing::test_seed(11);
    testing::RandomProblems problems(seed);
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 300; ++k) {
        const Problem p = problems.next();
        INFO("seed " << seed << " problem " << k << ": " << p.str());
        // The last group of the last image: the pointer the caller hands over.
        const std::vector<float> x = random_floats(p.x_elems(), rng);
        const float* x_group = x.data() + ((p.mb - 1) * p.ic + (p.g - 1) * p.icg()) * p.ih * p.iw;
        const int64_t begin = p.oh > 2 ? 1 : 0, end = p.oh > 3 ? p.oh - 1 : p.oh;
        std::vector<float> col(static_cast<size_t>(im2col_rows(p) * im2col_cols(p, end - begin)),
                               std::numeric_limits<float>::quiet_NaN());
        im2col(p, x_group, begin, end, col.data());
        const std::vector<float> expected = loop_im2col(p, x_group, begin, end);
        REQUIRE(col == expected);
        // With a row distance ld > N (images side by side): the same rows, the gaps untouched.
        const int64_t n = im2col_cols(p, end - begin), ld = n + 3;
        std::vector<float> wide(static_cast<size_t>(im2col_rows(p) * ld), -7.0f);
        im2col(p, x_group, begin, end, wide.data(), ld);
        for (int64_t r = 0; r < im2col_rows(p); ++r)
            for (int64_t e = 0; e < ld; ++e)
                REQUIRE(wide[size_t(r * ld + e)] == (e < n ? expected[size_t(r * n + e)] : -7.0f));
    }
}

TEST_CASE("im2col and col2im_add are adjoint, whole, in blocks and with a row distance", "[im2col]") {
    const uint64_t seed = testing::test_seed(12);
    testing::RandomProblems problems(seed);
    std::mt19937_64 rng(seed);
    for (int k = 0; k < 300; ++k) {
        const Problem p = problems.next();
        INFO("seed " << seed << " problem " << k << ": " << p.str());
        const int64_t plane = p.icg() * p.ih * p.iw, rows = im2col_rows(p), cols = im2col_cols(p, p.oh);
        const std::vector<float> x = random_floats(plane, rng), c = random_floats(rows * cols, rng);
        std::vector<float> col(static_cast<size_t>(rows * cols));
        im2col(p, x.data(), 0, p.oh, col.data());
        double lhs = 0;
        for (size_t e = 0; e < col.size(); ++e) lhs += double(col[e]) * double(c[e]);

        // Scatter block by block (two rows at a time) into a dx that starts at
        // `base`: the result must be base + col2im(c).
        const std::vector<float> base = random_floats(plane, rng);
        std::vector<float> dx = base;
        for (int64_t b = 0; b < p.oh; b += 2) {
            const int64_t e = std::min(p.oh, b + 2);
            std::vector<float> block(static_cast<size_t>(rows * im2col_cols(p, e - b)));
            for (int64_t r = 0; r < rows; ++r)
                std::copy_n(c.begin() + r * cols + b * p.ow, (e - b) * p.ow, block.begin() + r * (e - b) * p.ow);
            col2im_add(p, block.data(), b, e, dx.data());
        }
        double rhs = 0, scale = 0;
        for (int64_t e = 0; e < plane; ++e) {
            const double scattered = double(dx[size_t(e)]) - double(base[size_t(e)]);
            rhs += double(x[size_t(e)]) * scattered;
            scale += std::abs(double(x[size_t(e)])) * (std::abs(double(base[size_t(e)])) + std::abs(double(dx[size_t(e)])));
        }
        for (size_t e = 0; e < col.size(); ++e) scale += std::abs(double(col[e]) * double(c[e]));
        // Float rounding of dx = base + the scattered terms only; a scatter with =
        // or a missed element is off by the size of a term.
        REQUIRE(std::abs(lhs - rhs) <= 1e-5 * (scale + 1));

        // From rows a distance ld > N apart (images side by side): the same sums,
        // the same order, so bit for bit the whole-image scatter of c.
        const int64_t ld = cols + 5;
        std::vector<float> wide(static_cast<size_t>(rows * ld), std::numeric_limits<float>::quiet_NaN());
        for (int64_t r = 0; r < rows; ++r) std::copy_n(c.begin() + r * cols, cols, wide.begin() + r * ld);
        std::vector<float> compact_dx = base, wide_dx = base;
        col2im_add(p, c.data(), 0, p.oh, compact_dx.data());
        col2im_add(p, wide.data(), 0, p.oh, wide_dx.data(), ld);
        REQUIRE(wide_dx == compact_dx);
    }
}

TEST_CASE("col2im_set of a 1x1 unpadded problem equals col2im_add onto zeros, in blocks and with a row distance",
          "[im2col]") {
    std::mt19937_64 rng(testing::test_seed(13));
    int checked = 0;
    for (int64_t sh = 1; sh <= 3; ++sh)
        for (int64_t sw = 1; sw <= 3; ++sw)
            for (int64_t bottom = -1; bottom <= 1; ++bottom)  // one window fewer, as deduced, one more
                for (int64_t ih : {1, 5, 12}) {
                    const int64_t iw = 23, oh = std::max<int64_t>(1, (ih - 1) / sh + 1 + bottom);
                    const int64_t ow = std::max<int64_t>(1, (iw - 1) / sw + 1 + bottom);
                    const Problem p = Problem::parse("mb1ic3oc2ih" + std::to_string(ih) + "iw23oh" + std::to_string(oh) +
                                                     "ow" + std::to_string(ow) + "kh1kw1sh" + std::to_string(sh) +
                                                     "sw" + std::to_string(sw) + "ph0pw0");
                    INFO(p.str());
                    REQUIRE(col2im_is_a_copy(p));
                    const int64_t rows = im2col_rows(p), cols = im2col_cols(p, p.oh), plane = p.icg() * ih * iw;
                    const std::vector<float> c = random_floats(rows * cols, rng);
                    std::vector<float> expected(static_cast<size_t>(plane), 0.0f);
                    col2im_add(p, c.data(), 0, p.oh, expected.data());
                    // Blocks of two output rows, from a matrix whose rows are ld = cols + 3 apart,
                    // into a dx of NaNs: every element must be written.
                    const int64_t ld = cols + 3;
                    std::vector<float> wide(static_cast<size_t>(rows * ld), std::numeric_limits<float>::quiet_NaN());
                    for (int64_t r = 0; r < rows; ++r) std::copy_n(c.begin() + r * cols, cols, wide.begin() + r * ld);
                    std::vector<float> dx(static_cast<size_t>(plane), std::numeric_limits<float>::quiet_NaN());
                    for (int64_t b = 0; b < p.oh; b += 2)
                        col2im_set(p, wide.data() + b * p.ow, b, std::min(p.oh, b + 2), dx.data(), ld);
                    REQUIRE(dx == expected);
                    ++checked;
                }
    REQUIRE(checked == 81);
}

TEST_CASE("col2im_is_a_copy only for 1x1 kernels without top or left padding", "[im2col]") {
    CHECK(col2im_is_a_copy(Problem::parse("mb1ic2oc2ih8oh4kh1sh2ph0")));
    CHECK_FALSE(col2im_is_a_copy(Problem::parse("mb1ic2oc2ih8oh4kh3sh2ph1")));
    CHECK_FALSE(col2im_is_a_copy(Problem::parse("mb1ic2oc2ih8oh5kh1sh2ph1")));
}
