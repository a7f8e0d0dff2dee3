// winograd_f4x3: F(4x4, 3x3) Winograd convolution (Lavin & Gray), 6x6 input
// tiles with stride 4, 36 batched GEMMs over channels per block of tiles. The
// engine is shared with winograd_f2x3 (transforms/winograd_conv.hpp).
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/transforms/winograd.hpp"
#include "algorithms/transforms/winograd_conv.hpp"

namespace convlab {

namespace {

class WinogradF4x3 final : public Algorithm {
public:
    std::string_view name() const override { return "winograd_f4x3"; }
    std::string_view description() const override {
        return "Winograd F(4x4,3x3): 36 GEMMs over channels per tile block; bwd_d as rot180 full conv; bwd_w as F(3x3,4x4)";
    }
    std::string decline_reason(const Problem& p, Direction) const override {
        return winograd_decline_reason(name(), p);
    }
    int64_t workspace_bytes(const Problem& p, Direction d) const override {
        return winograd_workspace_bytes<TileF4x3>(p, d);
    }

    // Not exact: G holds 1/6, 1/12 and 1/24, which fp32 cannot represent.
    bool exact_on_integers() const override { return false; }
    // TOLERANCE
    double tolerance() const override { return 1e-5; }

    void run(const Problem& p, Direction d, const ConvArgs& args) const override {
        winograd_run<TileF4x3>(p, d, args);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_winograd_f4x3() { return std::make_unique<WinogradF4x3>(); }

}  // namespace convlab
