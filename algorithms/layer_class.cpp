#include "algorithms/layer_class.hpp"

namespace convlab {

std::string layer_class(const Problem& p) {
    if (p.g > 1 && p.g == p.ic && p.g == p.oc) return "depthwise";
    if (p.g > 1 || p.dh > 0 || p.dw > 0 || p.kh != p.kw || p.sh != p.sw) return "other";
    if (p.kh == 1 && p.sh == 1) return "1x1_s1";
    if (p.kh == 1 && p.sh == 2) return "1x1_s2";
    if (p.kh == 3 && p.sh == 1) return "3x3_s1";
    if (p.kh == 3 && p.sh == 2) return "3x3_s2";
    if (p.kh == 7 && p.ic <= 4) return "7x7_stem";
    if (p.kh >= 5) return "large_kernel";
    return "other";
}

}  // namespace convlab
