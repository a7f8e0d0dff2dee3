#include "algorithms/fft/fft_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

namespace convlab::fft {

namespace {

constexpr int64_t complex_bytes = 8;  // fftwf_complex, std::complex<float>

int64_t align64(int64_t bytes) { return (bytes + 63) / 64 * 64; }
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// FFTW is fastest on sizes whose factors are small primes.
bool smooth(int64_t n) {
    for (int64_t f : {2, 3, 5, 7})
        while (n % f == 0) n /= f;
    return n == 1;
}

int64_t smooth_at_least(int64_t n) {
    while (!smooth(n)) ++n;
    return n;
}

Axis make_axis(int64_t in, int64_t out, int64_t k, int64_t s, int64_t dil, int64_t pad, Direction d) {
    Axis a;
    a.in = in, a.out = out, a.taps = k, a.stride = s, a.dilation = dil + 1, a.pad = pad;
    const int64_t extent = (k - 1) * a.dilation + 1;
    a.polyphases = std::min(s, extent);
    a.vtaps = ceil_div(extent, s);
    // bwd_d tiles the virtual inputs j = (i + pad) / s that some output reaches.
    a.span = d == Direction::bwd_d ? std::min(out + a.vtaps - 1, (in - 1 + pad) / s + 1) : out;
    return a;
}

// FFT sizes worth trying on an axis: smooth sizes from Q (one output per tile)
// up to one tile covering the whole span, at most 64 unless the kernel is so
// long that 64 would give few outputs per tile.
std::vector<int64_t> candidate_sizes(const Axis& a) {
    const int64_t whole = smooth_at_least(a.span + a.vtaps - 1);
    const int64_t cap = std::min(whole, std::max<int64_t>(64, smooth_at_least(2 * a.vtaps)));
    std::vector<int64_t> sizes;
    for (int64_t n = a.vtaps; n <= cap; ++n)
        if (smooth(n)) sizes.push_back(n);
    if (sizes.empty() || sizes.back() != cap) sizes.push_back(cap);
    return sizes;
}

void set_size(Axis& a, int64_t n) {
    a.n = n;
    a.tile = n - a.vtaps + 1;
    a.tiles = ceil_div(a.span, a.tile);
}

int64_t item_bytes(const Axis& h, const Axis& w) {
    return align64(h.n * w.n * int64_t(sizeof(float))) + align64(h.n * (w.n / 2 + 1) * complex_bytes);
}

// Up to 16 transforms per batch, within about 128 KiB so a batch stays in L2.
int64_t batch_size(const Axis& h, const Axis& w) {
    return std::clamp<int64_t>((int64_t(128) << 10) / item_bytes(h, w), 1, 16);
}

// A thread's scratch holds a batch of transforms or, in the products phase,
// one block of the weights' spectrum at one frequency (fft_fused.hpp): at
// least one row of cv or ocg complex values, about 128 KiB so it stays in L2.
int64_t scratch_per_thread(const Axis& h, const Axis& w, int64_t cv, int64_t ocg) {
    const int64_t spectrum_block = std::max<int64_t>(int64_t(128) << 10, complex_bytes * std::max(cv, ocg));
    return std::max(batch_size(h, w) * item_bytes(h, w), align64(spectrum_block));
}

// Size 1 x 1 reads and writes the tensors in place when the polyphase plane
// is the tensor's own plane (stride 1, no padding) and wide enough for one
// GEMM per image; else it gathers images into column blocks of at least this
// many positions (OpenBLAS runs narrow GEMMs poorly: see im2col_gemm's plan).
constexpr int64_t min_pointwise_columns = 512;

bool plane_in_place(const Axis& a) { return a.stride == 1 && a.pad == 0 && a.in == a.out; }

// The gathered operands of size 1 x 1: [cv][columns] and [ocg][columns] floats.
int64_t pointwise_bytes(int64_t cv, int64_t ocg, int64_t columns) {
    return align64(cv * columns * int64_t(sizeof(float))) + align64(ocg * columns * int64_t(sizeof(float)));
}

// Bytes of the three frequency-domain operands for given blocks.
int64_t operand_bytes(int64_t freqs, int64_t cv, int64_t ocb, int64_t tb) {
    return align64(freqs * ocb * cv * complex_bytes) + align64(freqs * cv * tb * complex_bytes) +
           align64(freqs * ocb * tb * complex_bytes);
}

}  // namespace

Geometry::Geometry(const Problem& problem, Direction direction, int thread_count, int64_t limit)
    : p(problem), d(direction), threads(std::max(thread_count, 1)) {
    h = make_axis(p.ih, p.oh, p.kh, p.sh, p.dh, p.ph, d);
    w = make_axis(p.iw, p.ow, p.kw, p.sw, p.dw, p.pw, d);
    cv = p.icg() * h.polyphases * w.polyphases;
    ocg = p.ocg();

    // Modelled cost per group: complex multiply-adds of the products (8 flops
    // each) plus ~6 N^2 log2 N^2 per transform (FFTW on small 2-D sizes runs
    // well below GEMM speed), for the tiles' transforms and the weights' (once
    // per call, which favours small N at small minibatch). The weights are
    // costed as FFTs even where KernelDft computes them by a GEMM: pricing
    // them at GEMM speed picked larger, elongated sizes (12x32, 14x35) that ran
    // slower, bwd_d most (results/fft/). Size 1 x 1 (one-tap virtual kernels
    // only) has real spectra and no transform: 2 flops per multiply-add, half
    // of what the half spectrum of any larger tile costs per output.
    // Size 1 x 1 takes the weights tensor in place as the [oc][c'] matrix: it
    // is when every polyphase holds one tap (R = k: dilation 1 or one tap).
    const bool one_tap_each = h.vtaps == 1 && w.vtaps == 1 && h.polyphases == p.kh && w.polyphases == p.kw;
    const bool in_place = plane_in_place(h) && plane_in_place(w) && h.out * w.out >= min_pointwise_columns;
    double best = -1;
    int64_t best_h = 0, best_w = 0;
    for (int64_t nh : candidate_sizes(h)) {
        for (int64_t nw : candidate_sizes(w)) {
            Axis th = h, tw = w;
            set_size(th, nh), set_size(tw, nw);
            const int64_t f = nh * (nw / 2 + 1), all_tiles = p.mb * th.tiles * tw.tiles;
            if (nh == 1 && nw == 1) {
                const int64_t partials = d == Direction::bwd_w ? threads * align64(ocg * cv * int64_t(sizeof(float))) : 0;
                const int64_t operands = in_place ? 0 : pointwise_bytes(cv, ocg, h.out * w.out);
                if (!one_tap_each || operands + partials > limit) continue;
                const double cost = double(all_tiles) * 2.0 * double(ocg * cv);
                if (best < 0 || cost < best) best = cost, best_h = nh, best_w = nw;
                continue;
            }
            const int64_t min_block = operand_bytes(f, cv, std::min<int64_t>(ocg, 16), std::min<int64_t>(all_tiles, 16));
            if (min_block + threads * scratch_per_thread(th, tw, cv, ocg) > limit) continue;
            const double points = double(nh * nw), transform = 6 * points * std::max(1.0, std::log2(points));
            const double cost = double(all_tiles) * (8.0 * double(f * ocg * cv) + transform * double(cv + ocg)) +
                                transform * double(ocg * cv);
            if (best < 0 || cost < best) best = cost, best_h = nh, best_w = nw;
        }
    }
    if (best < 0) {
        declined = fmt::format("fft: too many channels for a {:g} MiB workspace", double(limit) / (1 << 20));
        return;
    }
    set_size(h, best_h), set_size(w, best_w);
    freqs = h.n * (w.n / 2 + 1);
    tiles = p.mb * h.tiles * w.tiles;
    if (pointwise()) {
        const int64_t plane = h.out * w.out;
        // bwd_w: each thread sums its share of the positions into its own dW.
        const int64_t partials = d == Direction::bwd_w ? threads * align64(ocg * cv * int64_t(sizeof(float))) : 0;
        gathered = !in_place;
        if (gathered) {
            images_per_block = std::min(p.mb, ceil_div(min_pointwise_columns, plane));
            while (images_per_block > 1 && pointwise_bytes(cv, ocg, images_per_block * plane) + partials > limit)
                --images_per_block;
            outputs_offset = align64(cv * images_per_block * plane * int64_t(sizeof(float)));
            scratch_offset = pointwise_bytes(cv, ocg, images_per_block * plane);
        }
        workspace_bytes = scratch_offset + partials;
        return;
    }

    // Blocks: all output channels if a useful tile block still fits (weights
    // transformed once per call), else fewer output channels per block.
    const int64_t scratch = threads * scratch_per_thread(h, w, cv, ocg);
    const int64_t budget = limit - scratch;
    auto fits = [&](int64_t ocb, int64_t tb) { return operand_bytes(freqs, cv, ocb, tb) <= budget; };
    auto largest = [](int64_t hi, auto&& ok) {  // largest v in [1, hi] with ok(v), 0 if none
        int64_t lo = 0;
        while (lo < hi) {
            const int64_t mid = (lo + hi + 1) / 2;
            ok(mid) ? lo = mid : hi = mid - 1;
        }
        return lo;
    };
    const int64_t wanted_tiles = std::min<int64_t>(tiles, 64);
    oc_block = ocg;
    tile_block = largest(tiles, [&](int64_t tb) { return fits(ocg, tb); });
    if (tile_block < wanted_tiles) {
        tile_block = wanted_tiles;
        while (tile_block > 1 && !fits(1, tile_block)) tile_block /= 2;
        oc_block = largest(ocg, [&](int64_t ocb) { return fits(ocb, tile_block); });
        tile_block = largest(tiles, [&](int64_t tb) { return fits(oc_block, tb); });
    }
    if (oc_block < 1 || tile_block < 1) {
        declined = fmt::format("fft: too many channels for a {:g} MiB workspace", double(limit) / (1 << 20));
        return;
    }

    weights_offset = 0;
    channels_offset = align64(freqs * oc_block * cv * complex_bytes);
    outputs_offset = channels_offset + align64(freqs * cv * tile_block * complex_bytes);
    scratch_offset = outputs_offset + align64(freqs * oc_block * tile_block * complex_bytes);
    batch = batch_size(h, w);
    real_bytes = align64(h.n * w.n * int64_t(sizeof(float)));
    spectrum_bytes = align64(freqs * complex_bytes);
    scratch_bytes_per_thread = scratch_per_thread(h, w, cv, ocg);
    workspace_bytes = scratch_offset + threads * scratch_bytes_per_thread;
}

}  // namespace convlab::fft
