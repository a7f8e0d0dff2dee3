// im2col_nhwc against its definition, element by element, and col2im_nhwc as
// its adjoint: <im2col(x), c> = <x, col2im(c)> (a scatter written as `=`
// instead of `+=`, or a tap sent to the wrong pixel, breaks the identity).
#include "algorithms/im2col_gemm/im2col_nhwc.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

std::vector<double> random_values(int64_t n, std::mt19937_64& rng) {
    std::uniform_int_distribution<int> d(-4, 4);
    std::vector<double> v(static_cast<size_t>(n));
    for (auto& x : v) x = d(rng);
    return v;
}

}  // namespace

TEST_CASE("im2col_nhwc copies each tap's channel run of its pixel, zeros in the padding", "[im2col_nhwc]") {
    testing::RandomProblems problems(77);
    for (int k = 0; k < 60; ++k) {
        const Problem p = problems.next();
        INFO(p.str());
        std::vector<float> x(size_t(p.x_elems()));
        for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 1000 + 1);
        const int64_t pixels = p.mb * p.oh * p.ow, row = nhwc_column_row(p);
        std::vector<float> col(size_t(pixels * row), -1.0f);
        // Two blocks, so an offset `first` is exercised too.
        const int64_t half = pixels / 2;
        im2col_nhwc(p, x.data(), 0, half, col.data());
        im2col_nhwc(p, x.data(), half, pixels - half, col.data() + half * row);
        int64_t wrong = 0;
        for (int64_t n = 0; n < p.mb; ++n)
            for (int64_t oy = 0; oy < p.oh; ++oy)
                for (int64_t ox = 0; ox < p.ow; ++ox)
                    for (int64_t gi = 0; gi < p.g; ++gi)
                        for (int64_t ky = 0; ky < p.kh; ++ky)
                            for (int64_t kx = 0; kx < p.kw; ++kx)
                                for (int64_t ci = 0; ci < p.icg(); ++ci) {
                                    const int64_t iy = oy * p.sh - p.ph + ky * (p.dh + 1);
                                    const int64_t ix = ox * p.sw - p.pw + kx * (p.dw + 1);
                                    const bool inside = iy >= 0 && iy < p.ih && ix >= 0 && ix < p.iw;
                                    const float expected =
                                        inside ? x[size_t(((n * p.ih + iy) * p.iw + ix) * p.ic + gi * p.icg() + ci)] : 0.0f;
                                    const int64_t q = (n * p.oh + oy) * p.ow + ox;
                                    const int64_t e = q * row + ((gi * p.kh + ky) * p.kw + kx) * p.icg() + ci;
                                    wrong += col[size_t(e)] != expected;
                                }
        CHECK(wrong == 0);
    }
}

TEST_CASE("col2im_nhwc is the adjoint of im2col_nhwc, image block by image block", "[im2col_nhwc]") {
    testing::RandomProblems problems(78);
    std::mt19937_64 rng(5);
    for (int k = 0; k < 60; ++k) {
        const Problem p = problems.next();
        INFO(p.str());
        const int64_t pixels = p.mb * p.oh * p.ow, row = nhwc_column_row(p), plane = p.oh * p.ow;
        const auto xd = random_values(p.x_elems(), rng), cd = random_values(pixels * row, rng);
        std::vector<float> x(xd.begin(), xd.end()), c(cd.begin(), cd.end());
        std::vector<float> col(size_t(pixels * row)), dx(size_t(p.x_elems()), std::nanf(""));
        im2col_nhwc(p, x.data(), 0, pixels, col.data());
        // Image 0 alone, then the rest, as a block of images.
        col2im_nhwc(p, c.data(), 0, 1, dx.data());
        if (p.mb > 1) col2im_nhwc(p, c.data() + plane * row, 1, p.mb - 1, dx.data());
        double left = 0, right = 0;
        for (size_t i = 0; i < col.size(); ++i) left += double(col[i]) * cd[i];
        for (size_t i = 0; i < dx.size(); ++i) right += double(dx[i]) * xd[i];
        CHECK(left == right);
    }
}
