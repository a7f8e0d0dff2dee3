// What the indirect engine's micro-kernels take and which ones an ISA has.
// The kernels see only NHWC rows (one pointer per pixel and tap, channels
// contiguous) and packed weight panels: nothing of NCHW, so a caller that
// keeps its activations in NHWC can call them without a conversion.
#pragma once

#include <cstdint>
#include <string_view>

namespace convlab::indirect {

// One MR x NR output tile: MR pixels (rows) x NR output channels, summed over
// every tap and every reduction channel of the tap.
struct ConvTile {
    const float* const* rows = nullptr;  // [taps][MR]: the input row each pixel reads at each tap
    int64_t row_offset = 0;              // floats added to every row pointer (the group's first channel)
    int64_t taps = 0;
    int64_t kc = 0;                      // reduction channels per tap
    const float* panel = nullptr;        // [NR bias][taps][kc][NR], zero beyond the real channels
    float* const* out = nullptr;         // MR pointers, each at its pixel's first channel of the tile
    int64_t pixels = 0;                  // real pixels (<= MR): only these are stored
    int64_t channels = 0;                // real output channels (<= NR): only these are stored
};
using ConvTileFn = void (*)(const ConvTile&);

// One MRW x NR tile of a weight gradient at one tap: MRW input channels x NR
// output channels, dW[i][o] (+)= sum over pixels of x[row(pixel)][i] * dy[pixel][o].
struct GradTile {
    const float* const* rows = nullptr;  // the tap's pointers in the first pixel's tile:
    int64_t mr = 0;                      //   pixel q's row is rows[(q / mr) * tile_stride + q % mr]
    int64_t tile_stride = 0;             //   (the indirection layout [tile][tap][mr])
    int64_t row_offset = 0;              // floats added to every row pointer (the tile's first input channel)
    const float* dy = nullptr;           // the first pixel's dy at the tile's first output channel
    int64_t dy_stride = 0;               // floats between consecutive pixels of dy
    int64_t pixels = 0;                  // pixels summed, from a tile boundary
    int64_t in_channels = 0;             // real input channels (<= MRW)
    int64_t out_channels = 0;            // real output channels (<= NR); dy is not read past them
    float* dw = nullptr;                 // [MRW][dw_stride], whole tiles stored
    int64_t dw_stride = 0;
    bool first = true;                   // start from zero, else from the sums in dw
    int64_t taps = 1;                    // tap-group tiles: real taps (<= the kernel's), tap k's pointers at rows + k * mr
};
using GradTileFn = void (*)(const GradTile&);

// A weight-gradient tile of several taps at once, for groups of fewer input
// channels than MRW (conv1's 3, depthwise's 1): `taps` taps x C channels of
// the tap-group kernel for C channels, each pixel's rows of those taps
// broadcast against the same dy vectors, so no register holds a channel that
// does not exist. Stored as consecutive rows of dW: tap k, channel c at row k * C + c.
struct TapGroupKernels {
    int taps = 0;  // taps a tile holds; 0: no tap-group kernel for this channel count
    GradTileFn wide = nullptr, narrow = nullptr;
};

// The kernels of one ISA. Two panel widths: NR = 2 vectors where the output
// channels fill them, 1 vector for narrow layers (conv1's 3 channels in
// backward data, small groups), so that fewer zero lanes are multiplied.
struct Kernels {
    static constexpr int max_group_channels = 4;
    std::string_view isa;
    int lanes = 0;
    int mr = 0;   // pixels per forward / backward-data tile
    int mrw = 0;  // input channels per weight-gradient tile
    ConvTileFn conv_wide = nullptr, conv_narrow = nullptr;
    GradTileFn grad_wide = nullptr, grad_narrow = nullptr;
    TapGroupKernels tap_groups[max_group_channels + 1];  // by input channels per group, 1..4
};

Kernels avx512_kernels();
Kernels avx2_kernels();
Kernels scalar_kernels();

}  // namespace convlab::indirect
