// The shape of an FFT convolution: how a problem becomes stride-1 tiled
// correlations, the FFT size, the tiles, the channel and tile blocks, and the
// workspace they live in. Pure arithmetic, no FFTW: workspace_bytes() and the
// plan agree because both come from here.
//
// Stride and dilation by polyphase decomposition. Along one axis, with stride
// s, dilation factor D = dil + 1, padding p and the dense kernel of extent E
// (taps at multiples of D, zeros between), write a tap offset e = s*q + r:
//   y[o] = sum_e x[s*o + e - p] w_dense[e]
//        = sum_{r<R} sum_{q<Q} X'_r[o + q] W'_r[q],
//   X'_r[j] = x[s*j + r - p],  W'_r[q] = w_dense[s*q + r],
// with R = min(s, E) polyphases (the others have no taps) and Q = ceil(E/s).
// Each polyphase is one more "virtual" input channel, so every problem is a
// stride-1 correlation over cv = icg * Rh * Rw channels of a Qh x Qw kernel,
// and the three directions are the correlation, its adjoint (a full
// convolution) and the correlation of X' with dy.
//
// Overlap-save tiling: an FFT of size N per axis gives T = N - Q + 1 valid
// outputs per tile; the tiles of all images form one list, processed in
// blocks of `tile_block` tiles, output channels in blocks of `oc_block`.
#pragma once

#include <cstdint>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab::fft {

struct Axis {
    int64_t in = 1, out = 1;  // input and output lengths
    int64_t stride = 1, dilation = 1, taps = 1, pad = 0;
    int64_t polyphases = 1;   // R
    int64_t vtaps = 1;        // Q
    int64_t span = 1;         // positions tiled: outputs (fwd, bwd_w) or virtual inputs j (bwd_d)
    int64_t n = 1;            // FFT size
    int64_t tile = 1;         // T = n - Q + 1
    int64_t tiles = 1;        // ceil(span / T)

    // The dense-kernel tap e = s*q + r, or -1 when it falls between dilated taps
    // or beyond the kernel.
    int64_t tap_of(int64_t q, int64_t r) const {
        const int64_t e = stride * q + r;
        return e % dilation == 0 && e / dilation < taps ? e / dilation : -1;
    }
};

// The bound on the workspace: the frequency-domain operands are blocked to fit.
inline constexpr int64_t workspace_limit_bytes = int64_t(64) << 20;

class Geometry {
public:
    // Chooses the FFT sizes and blocks within `limit` bytes of workspace;
    // `declined` is set when nothing fits. (Tests lower the limit to force
    // channel and tile blocks on small problems.)
    Geometry(const Problem& p, Direction d, int threads, int64_t limit = workspace_limit_bytes);

    Problem p;
    Direction d;
    int threads;
    Axis h, w;
    int64_t cv = 1;           // virtual input channels per group: icg * Rh * Rw
    int64_t ocg = 1;
    int64_t freqs = 1;        // h.n * (w.n / 2 + 1), the r2c half spectrum
    int64_t tiles = 1;        // over all images: mb * h.tiles * w.tiles
    int64_t oc_block = 1, tile_block = 1;
    std::string declined;     // "fft: ..." or empty

    // Workspace layout (bytes from its start, each 64-byte aligned): the
    // frequency-domain weights [f][oc_block][cv], the tile-side operands
    // [f][cv][tile_block] and [f][oc_block][tile_block] (complex float), then
    // per thread `batch` real N x N buffers and as many complex half spectra.
    // A batch is transformed together so that the scatter into (and the
    // gather from) the frequency-major operands moves `batch` neighbouring
    // elements per frequency, not one element per cache line.
    int64_t weights_offset = 0, channels_offset = 0, outputs_offset = 0, scratch_offset = 0;
    int64_t batch = 1, real_bytes = 0, spectrum_bytes = 0, scratch_bytes_per_thread = 0;
    int64_t workspace_bytes = 0;

    // FFT size 1 x 1 (a one-tap virtual kernel, see fft_pointwise.hpp): the
    // tiles are single positions, the spectra real. The images whose
    // positions one real GEMM takes at once, and whether they are gathered
    // into the workspace first (strides, padding, small planes) or read and
    // written in place; bwd_w's per-thread partial dW from scratch_offset.
    int64_t images_per_block = 1;
    bool gathered = false;

    // One polyphase per axis (stride 1, or a 1-tap extent): virtual channel c' is channel c.
    bool single_polyphase() const { return h.polyphases == 1 && w.polyphases == 1; }
    bool pointwise() const { return h.n == 1 && w.n == 1; }
    int64_t oc_blocks() const { return (ocg + oc_block - 1) / oc_block; }
    int64_t tile_blocks() const { return (tiles + tile_block - 1) / tile_block; }
};

}  // namespace convlab::fft
