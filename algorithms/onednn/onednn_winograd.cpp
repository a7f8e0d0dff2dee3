// onednn_winograd: oneDNN 2.6's own Winograd convolution
// (algorithm::convolution_winograd; on AVX-512 CPUs the JIT kernel
// jit_avx512_core_f32_wino_conv_4x3, F(4x4, 3x3), all three directions), in
// its preferred layouts with the reorders outside the timed call, as
// onednn_native (NativeOnednnPrimitive, onednn_staged.hpp). It is the peer of
// convlab's own winograd_f* algorithms.
//
// oneDNN has no Winograd on CPUs without AVX-512 and none for kernels other
// than 3x3, strides, dilation or groups; it then declines, and this baseline
// says which of those the problem or the CPU misses.
//
// convlab's checker found one wrong result: backward data with a bottom
// padding other than the top one (mb1ic16oc16ih8oh7kh3ph1iw8ow8kw3pw1: every
// element of dx off, up to 50%; forward and backward weights exact, and so
// is unequal left / right padding), which it declines.
//
// Contract: a Winograd transform (not exact on the checker's integers; it
// mixes neighbouring values), with the tolerance of winograd_f4x3, its tile:
// measured with build/tests/tolerance_survey onednn_winograd and convlab
// validate on the bundled sets (figures in the commit message).
#include <dnnl.hpp>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "algorithms/onednn/onednn_staged.hpp"

namespace convlab {

namespace {

// What oneDNN 2.6's Winograd needs that this problem or CPU lacks, joined; empty when nothing obvious.
std::string winograd_misses(const Problem& p) {
    std::vector<std::string> misses;
    if (dnnl::get_effective_cpu_isa() < dnnl::cpu_isa::avx512_core) misses.push_back("an AVX-512 CPU");
    if (p.kh != 3 || p.kw != 3) misses.push_back(fmt::format("a 3x3 kernel (got {}x{})", p.kh, p.kw));
    if (p.sh != 1 || p.sw != 1) misses.push_back(fmt::format("stride 1 (got {}x{})", p.sh, p.sw));
    if (p.dh != 0 || p.dw != 0) misses.push_back("no dilation");
    if (p.g != 1) misses.push_back(fmt::format("one group (got {})", p.g));
    return fmt::format("{}", fmt::join(misses, ", "));
}

class OnednnWinograd final : public Algorithm {
public:
    std::string_view name() const override { return "onednn_winograd"; }
    std::string_view description() const override {
        return "oneDNN 2.6 Winograd convolution (AVX-512, 3x3) in its preferred layouts, reorders outside the timed call";
    }
    std::string_view family() const override { return "onednn"; }
    Contract contract() const override { return {.exact_on_integers = false, .tolerance = 5e-5, .mixes_neighbours = true}; }
    Properties properties() const override { return {.baseline = true, .slow = false}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        if (d == Direction::bwd_d && p.ph_bottom() != p.ph)
            return declined(name(), fmt::format("oneDNN 2.6's Winograd backward data is wrong with bottom padding {} "
                                                "other than the top's {}",
                                                p.ph_bottom(), p.ph));
        Prepared result = onednn_prepare<NativeOnednnPrimitive>(name(), p, d, threads,
                                                                dnnl::algorithm::convolution_winograd);
        if (!result) {
            if (std::string misses = winograd_misses(p); !misses.empty())
                return declined(name(), fmt::format("oneDNN 2.6 has Winograd only for 3x3 kernels, stride 1, no "
                                                    "dilation, one group, on AVX-512; this needs {}",
                                                    misses));
        }
        return result;
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_onednn_winograd() { return std::make_unique<OnednnWinograd>(); }

}  // namespace convlab
