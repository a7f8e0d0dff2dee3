// The Winograd convolution engine shared by winograd_f2x3 and winograd_f4x3,
// parameterised by the tile (TileF2x3 or TileF4x3 from winograd.hpp).
//
// fwd:   per block of output tiles and per group, the input transform
//        B^T d B of every alpha x alpha input tile, alpha^2 GEMMs
//        [ocg x icg] . [icg x tiles] with the transformed filters G g G^T,
//        then the output transform A^T M A plus bias.
// bwd_d: the rot180 full convolution of a 3x3 stride-1 problem is again one,
//        so it is the Winograd forward through backward_data_by_full_conv.
// bwd_w: dw is the correlation of x with dy, F(3 x 3, m x m) per tile on the
//        same alpha x alpha tiles: alpha^2 GEMMs [ocg x tiles] . [tiles x icg]
//        accumulated over the tiles, then G^T . G per (oc, ic).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// Empty when the engine runs p (3x3 kernel, stride 1, no dilation), else
// "<name>: needs 3x3 kernel, stride 1, no dilation".
std::string winograd_decline_reason(std::string_view name, const Problem& p);

template <class Tile>
int64_t winograd_workspace_bytes(const Problem& p, Direction d);
template <class Tile>
void winograd_run(const Problem& p, Direction d, const ConvArgs& args);

// The directions on their own (winograd_run dispatches to them).
template <class Tile>
int64_t winograd_fwd_workspace_bytes(const Problem& p);
template <class Tile>
void winograd_fwd(const Problem& p, const ConvArgs& args);
template <class Tile>
int64_t winograd_bwd_w_workspace_bytes(const Problem& p);
template <class Tile>
void winograd_bwd_w(const Problem& p, const ConvArgs& args);

}  // namespace convlab
