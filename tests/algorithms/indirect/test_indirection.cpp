// The indirection buffers against an independent computation: every row of
// a staged tensor holds its own coordinates, so each pointer's target is read
// back and compared with the input pixel the test finds for that output pixel
// and tap by its own search (a loop over every input row and column for the
// one the tap lands on, rather than the builder's closed-form index); padding
// taps must point at the zero row, the last tile's spare slots repeat the
// last pixel, and the stride phases of backward data must cover every dx
// pixel once with exactly the taps that reach it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <optional>
#include <set>
#include <vector>

#include "algorithms/indirect/indirection.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;
using namespace convlab::indirect;

namespace {

// A NHWC tensor of mb x h x w rows of `stride` floats; row (n, y, x) holds
// n, y, x in its first three floats, the rest -1.
std::vector<float> coordinate_rows(int64_t mb, int64_t h, int64_t w, int64_t stride) {
    std::vector<float> rows(size_t(mb * h * w * stride), -1.0f);
    for (int64_t n = 0; n < mb; ++n)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                float* r = rows.data() + ((n * h + y) * w + x) * stride;
                r[0] = float(n), r[1] = float(y), r[2] = float(x);
            }
    return rows;
}

// The index i in [0, size) with i * step + offset == target, found by search.
std::optional<int64_t> solve(int64_t size, int64_t step, int64_t offset, int64_t target) {
    for (int64_t i = 0; i < size; ++i)
        if (i * step + offset == target) return i;
    return std::nullopt;
}

// The pointer is the zero row, or a row start inside `rows` holding (n, y, x).
void check_target(const float* got, const std::vector<float>& rows, int64_t stride, const float* zero,
                  std::optional<std::array<int64_t, 3>> expected) {
    if (!expected) {
        CHECK(got == zero);
        return;
    }
    REQUIRE(got != zero);
    const int64_t offset = got - rows.data();
    REQUIRE(offset >= 0);
    REQUIRE(offset < int64_t(rows.size()));
    REQUIRE(offset % stride == 0);
    CHECK(int64_t(got[0]) == (*expected)[0]);
    CHECK(int64_t(got[1]) == (*expected)[1]);
    CHECK(int64_t(got[2]) == (*expected)[2]);
}

void check_forward(const Problem& p, int64_t mr) {
    INFO(p.str() << " mr " << mr);
    const int64_t stride = p.ic + 3;  // rows longer than 3 floats, as channels make them
    const std::vector<float> x = coordinate_rows(p.mb, p.ih, p.iw, stride);
    const std::vector<float> zero(size_t(stride), 0.0f);
    const auto buffer = forward_indirection(p, x.data(), stride, zero.data(), mr);
    const int64_t taps = p.kh * p.kw, pixels = p.mb * p.oh * p.ow;
    REQUIRE(int64_t(buffer.size()) == tiles_of(pixels, mr) * mr * taps);
    int64_t q = 0;
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oy = 0; oy < p.oh; ++oy)
            for (int64_t ox = 0; ox < p.ow; ++ox, ++q)
                for (int64_t ky = 0; ky < p.kh; ++ky)
                    for (int64_t kx = 0; kx < p.kw; ++kx) {
                        // The input pixel under tap (ky, kx) of output (oy, ox): the
                        // padded input's row oy * sh + ky * (dh + 1) is row - ph of x.
                        const auto iy = solve(p.ih, 1, p.ph, oy * p.sh + ky * (p.dh + 1));
                        const auto ix = solve(p.iw, 1, p.pw, ox * p.sw + kx * (p.dw + 1));
                        std::optional<std::array<int64_t, 3>> expected;
                        if (iy && ix) expected = std::array<int64_t, 3>{n, *iy, *ix};
                        const int64_t t = ky * p.kw + kx;
                        check_target(buffer[size_t((q / mr * taps + t) * mr + q % mr)], x, stride, zero.data(),
                                     expected);
                    }
    // The last tile's spare slots repeat the last pixel's pointers.
    for (int64_t s = pixels; s < tiles_of(pixels, mr) * mr; ++s)
        for (int64_t t = 0; t < taps; ++t)
            CHECK(buffer[size_t((s / mr * taps + t) * mr + s % mr)]
                  == buffer[size_t(((pixels - 1) / mr * taps + t) * mr + (pixels - 1) % mr)]);
}

void check_backward_data(const Problem& p, int64_t mr) {
    INFO(p.str() << " mr " << mr);
    const int64_t stride = p.oc + 3;
    const std::vector<float> dy = coordinate_rows(p.mb, p.oh, p.ow, stride);
    const std::vector<float> zero(size_t(stride), 0.0f);
    const std::vector<StridePhase> phases = stride_phases(p);
    std::vector<int> covered(size_t(p.ih * p.iw), 0);
    for (const StridePhase& ph : phases) {
        const auto buffer = backward_data_indirection(p, ph, dy.data(), stride, zero.data(), mr);
        const int64_t taps = int64_t(ph.taps.size());
        REQUIRE(int64_t(buffer.size()) == (taps ? tiles_of(ph.pixels(p), mr) * mr * taps : 0));
        const std::set<int64_t> in_phase(ph.taps.begin(), ph.taps.end());
        int64_t q = 0;
        for (int64_t n = 0; n < p.mb; ++n)
            for (int64_t r = 0; r < ph.rows; ++r)
                for (int64_t c = 0; c < ph.cols; ++c, ++q) {
                    const int64_t iy = ph.row0 + r * p.sh, ix = ph.col0 + c * p.sw;
                    REQUIRE(iy < p.ih);
                    REQUIRE(ix < p.iw);
                    if (n == 0) ++covered[size_t(iy * p.iw + ix)];
                    for (int64_t ky = 0; ky < p.kh; ++ky)
                        for (int64_t kx = 0; kx < p.kw; ++kx) {
                            // The dy pixel whose window puts tap (ky, kx) on dx (iy, ix).
                            const auto oy = solve(p.oh, p.sh, ky * (p.dh + 1) - p.ph, iy);
                            const auto ox = solve(p.ow, p.sw, kx * (p.dw + 1) - p.pw, ix);
                            const int64_t tap = ky * p.kw + kx;
                            if (!in_phase.count(tap)) {
                                // A tap left out of the phase must reach none of its pixels.
                                CHECK(!(oy && ox));
                                continue;
                            }
                            const int64_t t = int64_t(std::distance(ph.taps.begin(),
                                                                    std::find(ph.taps.begin(), ph.taps.end(), tap)));
                            std::optional<std::array<int64_t, 3>> expected;
                            if (oy && ox) expected = std::array<int64_t, 3>{n, *oy, *ox};
                            check_target(buffer[size_t((q / mr * taps + t) * mr + q % mr)], dy, stride,
                                         zero.data(), expected);
                        }
                }
    }
    for (int count : covered) CHECK(count == 1);  // every dx pixel in exactly one phase
}

const char* const shapes[] = {
    "mb2ic3ih11iw10oc4oh5ow4kh3kw2sh2sw3ph1pw2dh1dw0",  // strided, padded, dilated
    "mb2ic3ih8iw7oc4oh9ow8kh3kw3ph1pw0",                // asymmetric padding
    "mb2ic3ih8iw8oc4oh5ow6kh3kw3ph0pw0",                    // negative bottom padding
    "mb1ic2ih8oc3kh3sh3",                               // stride remainder
    "mb2ic8ih7oc5kh1",                                  // 1x1
    "mb1ic3ih1oc4kh3ph1",                               // 1x1 input, all but one tap padding
    "mb1ic4ih9oc4kh2sh4",                               // stride above the kernel: phases no tap reaches
};

}  // namespace

TEST_CASE("the forward indirection buffer points each tap at the input row it multiplies", "[indirect]") {
    for (int64_t mr : {1, 4, 6, 8})
        for (const char* d : shapes) check_forward(Problem::parse(d), mr);
    testing::RandomProblems random(testing::test_seed(31));
    for (int i = 0; i < 60; ++i) check_forward(random.next(), 6);
}

TEST_CASE("the backward-data phases gather each dx pixel's dy rows, each pixel once", "[indirect]") {
    for (int64_t mr : {1, 4, 6, 8})
        for (const char* d : shapes) check_backward_data(Problem::parse(d), mr);
    testing::RandomProblems random(testing::test_seed(32));
    for (int i = 0; i < 60; ++i) check_backward_data(random.next(), 8);
}

TEST_CASE("a stride larger than the kernel leaves phases with no taps", "[indirect]") {
    // kh 2, sh 4: dx rows 2 and 3 of every 4 are under no tap (their dx is zero).
    const auto phases = stride_phases(Problem::parse("mb1ic4ih9oc4kh2sh4"));
    REQUIRE(phases.size() == 16);
    int empty = 0;
    for (const StridePhase& ph : phases) empty += ph.taps.empty();
    CHECK(empty == 12);  // only row0, col0 in {0, 1} are reached
}
