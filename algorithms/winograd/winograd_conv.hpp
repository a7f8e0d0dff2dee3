// The Winograd convolution engine shared by winograd_f2x3, _f4x3 and _f6x3,
// parameterised by the tile (TileF2x3, TileF4x3 or TileF6x3, winograd.hpp).
//
// fwd:   per block of output tiles and per group, the input transform
//        B^T d B of every alpha x alpha input tile, alpha^2 GEMMs
//        [ocg x icg] . [icg x tiles] with the transformed filters G g G^T,
//        then the output transform A^T M A plus bias.
// bwd_d: the rot180 full convolution of a 3x3 stride-1 problem is again one,
//        so it is the Winograd forward through full_conv_backward_data.
// bwd_w: dw is the correlation of x with dy, F(3 x 3, m x m) per tile on the
//        same alpha x alpha tiles: alpha^2 GEMMs [ocg x tiles] . [tiles x icg]
//        accumulated over the tiles, then G^T . G per (oc, ic).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "algorithms/algorithm.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/problem.hpp"
#include "algorithms/winograd/winograd_kernels.hpp"

namespace convlab {

// The primitive of direction d, or "<name>: needs 3x3 kernel, stride 1, no
// dilation". Tile is TileF2x3, TileF4x3 or TileF6x3 (winograd.hpp); the
// forward's blocks are sized to the machine's L2 (winograd_plans.hpp).
template <class Tile>
Prepared winograd_prepare(std::string_view name, const Problem& p, Direction d, int threads, const Machine& machine);

// The weight gradient alone (winograd_bwd_w.cpp); p must be Winograd-shaped.
template <class Tile>
std::unique_ptr<Primitive> winograd_backward_weights(const Problem& p, int threads, const WinogradKernels& kernels);

}  // namespace convlab
