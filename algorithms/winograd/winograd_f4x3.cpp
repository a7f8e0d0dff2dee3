// winograd_f4x3: F(4x4, 3x3) Winograd convolution (Lavin & Gray), 6x6 input
// tiles with stride 4, 36 batched GEMMs over channels per block of tiles. The
// engine is shared with winograd_f2x3 and winograd_f6x3 (winograd_conv.hpp).
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_conv.hpp"

namespace convlab {

namespace {

class WinogradF4x3 final : public Algorithm {
public:
    std::string_view name() const override { return "winograd_f4x3"; }
    std::string_view description() const override {
        return "Winograd F(4x4,3x3): 36 GEMMs over channels per tile block; bwd_d as rot180 full conv; bwd_w as F(3x3,4x4)";
    }
    std::string_view family() const override { return "winograd"; }

    // Not exact: G holds 1/6, 1/12 and 1/24, which fp32 cannot represent.
    // Measured with check() (max over both passes of |got - ref| divided by
    // the largest sum of |terms| in the element's plane, since the transforms
    // spread rounding across a tile; see harness/verify/check.cpp) by
    // `build/tests/tolerance_survey winograd_f4x3`: 600 random Winograd-shaped
    // problems per direction (tests/random_problem.hpp, seed 99):
    //   fwd median 7.9e-7, p99 2.7e-6, max 4.9e-6; bwd_d max 4.1e-6;
    //   bwd_w max 2.1e-6 (the register transforms with FMA; the same maxima
    //   within 0.1e-6 before them) -- about 20x F(2,3), from B^T's 4s and 5s
    //   and A^T's 8s.
    // 5e-5 is 10x the worst seen.

    // The tile transforms mix neighbouring values: a NaN or Inf input spreads
    // to every output of the tiles it touches, and rounding error spreads
    // across a tile (the checker scales errors by the plane's largest element).
    Contract contract() const override { return {.exact_on_integers = false, .tolerance = 5e-5, .mixes_neighbours = true}; }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return winograd_prepare<TileF4x3>(name(), p, d, threads, this_machine());
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_winograd_f4x3() { return std::make_unique<WinogradF4x3>(); }

}  // namespace convlab
