// winograd_f2x3: F(2x2, 3x3) Winograd convolution (Lavin & Gray), 4x4 input
// tiles with stride 2, 16 batched GEMMs over channels per block of tiles. The
// engine is shared with winograd_f4x3 and winograd_f6x3 (winograd_conv.hpp).
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_conv.hpp"

namespace convlab {

namespace {

class WinogradF2x3 final : public Algorithm {
public:
    std::string_view name() const override { return "winograd_f2x3"; }
    std::string_view description() const override {
        return "Winograd F(2x2,3x3): 16 GEMMs over channels per tile block; bwd_d as rot180 full conv; bwd_w as F(3x3,2x2)";
    }
    std::string_view family() const override { return "winograd"; }

    // Exact on small integers: B^T and A^T are 0/+-1, G g G^T is a multiple of
    // 1/4, so every product and partial sum is an exact multiple of 1/4 well
    // inside fp32's range (bwd_w: the transforms of x and dy are integers and
    // G^T . G only halves).
    // Measured with check() (max over both passes of |got - ref| divided by
    // the largest sum of |terms| in the element's plane, since the transforms
    // spread rounding across a tile; see harness/verify/check.cpp) by
    // `build/tests/tolerance_survey winograd_f2x3`: 600 random Winograd-shaped
    // problems per direction (tests/random_problem.hpp, seed 99):
    //   fwd median 8.6e-8, max 1.7e-7; bwd_d max 2.3e-7; bwd_w max 2.2e-7
    //   (im2col_gemm on the same problems: <= 1.9e-7). 2e-6 is 9x the worst seen.

    // The tile transforms mix neighbouring values: a NaN or Inf input spreads
    // to every output of the tiles it touches, and rounding error spreads
    // across a tile (the checker scales errors by the plane's largest element).
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 2e-6, .mixes_neighbours = true}; }

    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return winograd_prepare<TileF2x3>(name(), p, d, threads, this_machine());
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_winograd_f2x3() { return std::make_unique<WinogradF2x3>(); }

}  // namespace convlab
