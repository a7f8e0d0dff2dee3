// The micro-kernels of every ISA this CPU has, called directly on NHWC rows
// against plain loops: partial tiles (fewer pixels, output or input channels
// than the registers hold) must store exactly the real elements, no more
// (a sentinel around every output), and a weight-gradient tile must add to
// the sums already there when it is not the first.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "algorithms/direct/isa.hpp"
#include "algorithms/indirect/kernel_api.hpp"

using namespace convlab;
using namespace convlab::indirect;

namespace {

constexpr float sentinel = -12345.0f;

std::vector<Kernels> kernels_of_this_cpu() {
    std::vector<Kernels> list{scalar_kernels()};
    if (this_machine().runs(Isa::avx2)) list.push_back(avx2_kernels());
    if (this_machine().runs(Isa::avx512)) list.push_back(avx512_kernels());
    return list;
}

// Small integers: every sum exact in fp32, so the kernels must match exactly.
std::vector<float> small_integers(size_t count, std::mt19937& rng) {
    std::vector<float> v(count);
    for (float& f : v) f = float(int(rng() % 9) - 4);
    return v;
}

void check_conv_tile(const Kernels& k, ConvTileFn fn, int64_t nr, int64_t pixels, int64_t channels) {
    INFO(k.isa << " nr " << nr << " pixels " << pixels << " channels " << channels);
    std::mt19937 rng(uint32_t(pixels * 100 + channels));
    const int64_t mr = k.mr, taps = 3, kc = 5, stride = 7, offset = 2;  // rows of 7 floats, channels 2..6
    const std::vector<float> input = small_integers(size_t(mr * taps * stride), rng);
    const std::vector<float> zero(size_t(stride), 0.0f);
    std::vector<const float*> rows(size_t(taps * mr));
    for (int64_t t = 0; t < taps; ++t)
        for (int64_t m = 0; m < mr; ++m)  // tap 1 of pixel 0 in the padding
            rows[size_t(t * mr + m)] = t == 1 && m == 0 ? zero.data() : input.data() + (m * taps + t) * stride;
    std::vector<float> panel = small_integers(size_t(nr * (1 + taps * kc)), rng);
    const int64_t out_stride = nr + 3;
    std::vector<float> out(size_t(mr * out_stride + 1), sentinel);
    std::vector<float*> out_rows(static_cast<size_t>(mr));
    for (int64_t m = 0; m < mr; ++m) out_rows[size_t(m)] = out.data() + std::min(m, pixels - 1) * out_stride;
    ConvTile tile;
    tile.rows = rows.data(), tile.row_offset = offset, tile.taps = taps, tile.kc = kc;
    tile.panel = panel.data(), tile.out = out_rows.data(), tile.pixels = pixels, tile.channels = channels;
    fn(tile);
    for (int64_t m = 0; m < mr; ++m)
        for (int64_t j = 0; j < out_stride; ++j) {
            const float got = out[size_t(m * out_stride + j)];
            if (m >= pixels || j >= channels) {
                CHECK(got == sentinel);
                continue;
            }
            float expected = panel[size_t(j)];
            for (int64_t t = 0; t < taps; ++t)
                for (int64_t i = 0; i < kc; ++i)
                    expected += rows[size_t(t * mr + m)][offset + i] * panel[size_t(nr + (t * kc + i) * nr + j)];
            CHECK(got == expected);
        }
}

void check_grad_tile(const Kernels& k, GradTileFn fn, int64_t nr, int64_t in_channels, int64_t out_channels) {
    INFO(k.isa << " nr " << nr << " in " << in_channels << " out " << out_channels);
    std::mt19937 rng(uint32_t(in_channels * 100 + out_channels));
    const int64_t mr = k.mr, mrw = k.mrw, taps = 2, tap = 1, pixels = 2 * mr + 3, tiles = 3;
    const int64_t stride = mrw + 4, offset = 1, dy_stride = out_channels + 2;
    const std::vector<float> x = small_integers(size_t(pixels * stride), rng);
    // dy rows end right after the real channels (plus 2 others of the next
    // pixel): a read past them would see the 1e30 of the last row's end.
    std::vector<float> dy = small_integers(size_t(pixels * dy_stride), rng);
    for (int64_t q = 0; q < pixels; ++q)
        dy[size_t(q * dy_stride + out_channels)] = dy[size_t(q * dy_stride + out_channels + 1)] = 1e30f;
    std::vector<const float*> rows(size_t(tiles * taps * mr), nullptr);
    for (int64_t q = 0; q < tiles * mr; ++q)
        rows[size_t((q / mr * taps + tap) * mr + q % mr)] = x.data() + std::min(q, pixels - 1) * stride;
    std::vector<float> dw(size_t(mrw * nr), 0.5f);
    GradTile g;
    g.rows = rows.data() + tap * mr, g.mr = mr, g.tile_stride = taps * mr, g.row_offset = offset;
    g.dy = dy.data(), g.dy_stride = dy_stride, g.pixels = pixels;
    g.in_channels = in_channels, g.out_channels = out_channels, g.dw = dw.data(), g.dw_stride = nr;
    for (bool first : {true, false}) {
        g.first = first;
        fn(g);
        for (int64_t i = 0; i < in_channels; ++i)
            for (int64_t o = 0; o < out_channels; ++o) {
                float expected = 0;
                for (int64_t q = 0; q < pixels; ++q)
                    expected += x[size_t(q * stride + offset + i)] * dy[size_t(q * dy_stride + o)];
                CHECK(dw[size_t(i * nr + o)] == (first ? expected : 2 * expected));
            }
    }
}

// A tap-group tile: `taps` of the kernel's taps x C channels, the missing
// taps never stored (a sentinel row after the real ones).
void check_grad_taps_tile(const Kernels& k, GradTileFn fn, int64_t nr, int64_t c, int64_t taps, int64_t out_channels) {
    INFO(k.isa << " nr " << nr << " channels " << c << " taps " << taps << " out " << out_channels);
    std::mt19937 rng(uint32_t(c * 1000 + taps * 100 + out_channels));
    const int64_t mr = k.mr, all_taps = taps + 2, tap0 = 1, pixels = 2 * mr + 3, tiles = 3;
    const int64_t stride = c + 3, offset = 2, dy_stride = out_channels + 2;
    const std::vector<float> x = small_integers(size_t(pixels * all_taps * stride), rng);
    std::vector<float> dy = small_integers(size_t(pixels * dy_stride), rng);
    for (int64_t q = 0; q < pixels; ++q)
        dy[size_t(q * dy_stride + out_channels)] = dy[size_t(q * dy_stride + out_channels + 1)] = 1e30f;
    // Pixel q at tap t reads row (q * all_taps + t) of x (the last tile padded with the last pixel).
    std::vector<const float*> rows(size_t(tiles * all_taps * mr), nullptr);
    for (int64_t q = 0; q < tiles * mr; ++q)
        for (int64_t t = 0; t < all_taps; ++t)
            rows[size_t((q / mr * all_taps + t) * mr + q % mr)] = x.data() + (std::min(q, pixels - 1) * all_taps + t) * stride;
    const int64_t slots = k.tap_groups[c].taps * c;
    std::vector<float> dw(size_t((slots + 1) * nr), 0.5f);
    GradTile g;
    g.rows = rows.data() + tap0 * mr, g.mr = mr, g.tile_stride = all_taps * mr, g.row_offset = offset;
    g.dy = dy.data(), g.dy_stride = dy_stride, g.pixels = pixels, g.taps = taps;
    g.in_channels = c, g.out_channels = out_channels, g.dw = dw.data(), g.dw_stride = nr;
    for (bool first : {true, false}) {
        g.first = first;
        fn(g);
        for (int64_t s = 0; s <= slots; ++s)
            for (int64_t o = 0; o < nr; ++o) {
                const float got = dw[size_t(s * nr + o)];
                if (s >= taps * c) {
                    CHECK(got == 0.5f);
                    continue;
                }
                if (o >= out_channels) continue;  // stored, never read
                const int64_t t = tap0 + s / c, i = s % c;
                float expected = 0;
                for (int64_t q = 0; q < pixels; ++q)
                    expected += x[size_t((q * all_taps + t) * stride + offset + i)] * dy[size_t(q * dy_stride + o)];
                CHECK(got == (first ? expected : 2 * expected));
            }
    }
}

}  // namespace

TEST_CASE("the forward tile kernels store exactly their real pixels and channels", "[indirect]") {
    for (const Kernels& k : kernels_of_this_cpu())
        for (int64_t pixels = 1; pixels <= k.mr; ++pixels)
            for (int64_t channels : {int64_t(1), int64_t(k.lanes - 1), int64_t(k.lanes)}) {
                check_conv_tile(k, k.conv_narrow, k.lanes, pixels, channels);
                check_conv_tile(k, k.conv_wide, 2 * k.lanes, pixels, channels);
                check_conv_tile(k, k.conv_wide, 2 * k.lanes, pixels, k.lanes + channels);
            }
}

TEST_CASE("the weight-gradient tile kernels sum every pixel and read no channel past the real ones", "[indirect]") {
    for (const Kernels& k : kernels_of_this_cpu())
        for (int64_t in : {int64_t(1), int64_t(k.mrw - 1), int64_t(k.mrw)})
            for (int64_t out : {int64_t(1), int64_t(k.lanes)}) {
                check_grad_tile(k, k.grad_narrow, k.lanes, in, out);
                check_grad_tile(k, k.grad_wide, 2 * k.lanes, in, out);
                check_grad_tile(k, k.grad_wide, 2 * k.lanes, in, k.lanes + out);
            }
}

TEST_CASE("the tap-group weight-gradient kernels sum every pixel of each real tap and store no other", "[indirect]") {
    for (const Kernels& k : kernels_of_this_cpu())
        for (int c = 1; c <= Kernels::max_group_channels; ++c) {
            const TapGroupKernels& t = k.tap_groups[c];
            if (t.taps == 0) continue;
            for (int64_t taps : {int64_t(1), int64_t(t.taps)})
                for (int64_t out : {int64_t(1), int64_t(k.lanes)}) {
                    check_grad_taps_tile(k, t.narrow, k.lanes, c, taps, out);
                    check_grad_taps_tile(k, t.wide, 2 * k.lanes, c, taps, out);
                    check_grad_taps_tile(k, t.wide, 2 * k.lanes, c, taps, k.lanes + out);
                }
        }
}

TEST_CASE("every ISA has a tap-group kernel for one input channel a group", "[indirect]") {
    // Depthwise backward weights relies on it; 2 taps at least, else a plain tile would do.
    for (const Kernels& k : kernels_of_this_cpu()) {
        INFO(k.isa);
        CHECK(k.tap_groups[1].taps >= 2);
        for (int c = 1; c <= Kernels::max_group_channels; ++c)
            if (k.tap_groups[c].taps) CHECK(k.tap_groups[c].taps * c <= k.mrw);
    }
}
