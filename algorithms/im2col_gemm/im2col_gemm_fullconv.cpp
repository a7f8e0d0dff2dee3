// Backward data by rot180 full convolution on the im2col_gemm engine: dy is
// dilated by the stride, the weights rotated with channels swapped, and the
// resulting stride-1 forward problem runs through im2col_gemm's forward
// (common/full_conv.hpp). Beside im2col_gemm's col2im scatter this
// compares the two backward-data methods on the same GEMM and im2col.
//
// fwd and bwd_w decline: they would be im2col_gemm's, so a row of their own
// would only repeat im2col_gemm's numbers under another name.
#include <string>

#include "algorithms/im2col_gemm/im2col_gemm.hpp"
#include "algorithms/common/full_conv.hpp"

namespace convlab {

namespace {

class Im2colGemmFullconv final : public Algorithm {
public:
    std::string_view name() const override { return "im2col_gemm_fullconv"; }
    std::string_view description() const override {
        return "bwd_d only: rot180 full convolution (dilate dy, rotate weights) through im2col_gemm's forward";
    }
    std::string_view family() const override { return "gemm"; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        if (d != Direction::bwd_d)
            return declined(name(), "only bwd_d differs from im2col_gemm; use im2col_gemm for " + std::string(to_string(d)));
        return {full_conv_backward_data(p, im2col_gemm_forward(full_conv(p).forward, threads)), {}};
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_im2col_gemm_fullconv() { return std::make_unique<Im2colGemmFullconv>(); }

}  // namespace convlab
