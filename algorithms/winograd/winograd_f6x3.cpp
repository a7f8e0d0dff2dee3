// winograd_f6x3: F(6x6, 3x3) Winograd convolution (Lavin & Gray), 8x8 input
// tiles with stride 6, 64 batched GEMMs over channels per block of tiles. The
// engine is shared with winograd_f2x3 and winograd_f4x3 (winograd_conv.hpp).
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_conv.hpp"

namespace convlab {

namespace {

class WinogradF6x3 final : public Algorithm {
public:
    std::string_view name() const override { return "winograd_f6x3"; }
    std::string_view description() const override {
        return "Winograd F(6x6,3x3): 64 GEMMs over channels per tile block; bwd_d as rot180 full conv; bwd_w as F(3x3,6x6)";
    }
    std::string_view family() const override { return "winograd"; }

    // Not exact: G holds 2/9, 1/90, 1/45 and 32/45, which fp32 cannot represent.
    // Integer data is therefore not exact either (an integer pass of
    // mb2ic64ih28 fwd is off in 96% of y, by up to 0.007 at |y| = 164).
    // Measured with check() (max over both passes of |got - ref| divided by
    // the largest sum of |terms| in the element's plane, since the transforms
    // spread rounding across a tile; see harness/verify/check.cpp) by
    // `build/tests/tolerance_survey winograd_f6x3`: 600 random Winograd-shaped
    // problems per direction (tests/random_problem.hpp, seed 99):
    //   fwd median 1.9e-6, p99 5.5e-6, max 1.2e-5; bwd_d median 1.8e-6,
    //   p99 6.1e-6, max 1.4e-5; bwd_w median 8.0e-7, p99 3.3e-6, max 5.1e-6
    //   (the register transforms with FMA; before them bwd_d's max was
    //   1.3e-5) -- 2 to 3x F(4,3) (B^T's 21/4 and 17/4, A^T's 32); seeds 1-3
    //   at 2000 problems each stayed below 9.5e-6.
    // 1.5e-4 is 10x the worst seen (3x F(4,3)'s 5e-5).

    // The tile transforms mix neighbouring values: a NaN or Inf input spreads
    // to every output of the tiles it touches, and rounding error spreads
    // across a tile (the checker scales errors by the plane's largest element).
    Contract contract() const override { return {.exact_on_integers = false, .tolerance = 1.5e-4, .mixes_neighbours = true}; }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return winograd_prepare<TileF6x3>(name(), p, d, threads, this_machine());
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_winograd_f6x3() { return std::make_unique<WinogradF6x3>(); }

}  // namespace convlab
