// winograd_f2x3: F(2x2, 3x3) Winograd convolution (Lavin & Gray), 4x4 input
// tiles with stride 2, 16 batched GEMMs over channels per block of tiles. The
// engine is shared with winograd_f4x3 (transforms/winograd_conv.hpp).
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/transforms/winograd.hpp"
#include "algorithms/transforms/winograd_conv.hpp"

namespace convlab {

namespace {

class WinogradF2x3 final : public Algorithm {
public:
    std::string_view name() const override { return "winograd_f2x3"; }
    std::string_view description() const override {
        return "Winograd F(2x2,3x3): 16 GEMMs over channels per tile block; bwd_d as rot180 full conv; bwd_w as F(3x3,2x2)";
    }
    std::string decline_reason(const Problem& p, Direction) const override {
        return winograd_decline_reason(name(), p);
    }
    int64_t workspace_bytes(const Problem& p, Direction d) const override {
        return winograd_workspace_bytes<TileF2x3>(p, d);
    }

    // Exact on small integers: B^T and A^T are 0/+-1, G g G^T is a multiple of
    // 1/4, so every product and partial sum is an exact multiple of 1/4 well
    // inside fp32's range (bwd_w: the transforms of x and dy are integers and
    // G^T . G only halves).
    bool exact_on_integers() const override { return true; }
    // Measured (check(), max over both passes, |got - ref| / sum |terms|):
    //   ResNet-50 3x3 layers res2a..res5a_branch2b at mb 2: fwd <= 1.1e-7,
    //   bwd_d <= 1.1e-7, bwd_w <= 2.6e-7 (im2col_gemm: <= 2.2e-7);
    //   1500 random Winograd-shaped cases (tests/random_problem.hpp, seed 99):
    //   median 1.2e-7, p99 1.0e-6, max 1.7e-5.
    // The tail comes from edge elements with few or tiny terms of their own:
    // Winograd rounds in the transformed domain, so an element's error scales
    // with the magnitude of its whole tile, not with its own terms. 1e-4 is 6x
    // the worst case seen (F(4,3)'s much larger A and B^T need far more).
    double tolerance() const override { return 1e-4; }

    void run(const Problem& p, Direction d, const ConvArgs& args) const override {
        winograd_run<TileF2x3>(p, d, args);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_winograd_f2x3() { return std::make_unique<WinogradF2x3>(); }

}  // namespace convlab
