// strided_lanes<S>: lane l holds p[S * l], for every stride the Winograd tile
// windows load at (1, 2, 4, 6), reading nothing beyond p[8 * S - 1].
#include <catch2/catch.hpp>

#include <vector>

#include "algorithms/common/simd.hpp"

using namespace convlab;

namespace {

template <int S>
void check_stride() {
    INFO("stride " << S);
    // Exactly 8 * S elements, so a read past the documented end would leave
    // the vector (and show under the sanitizers).
    std::vector<float> data(8 * S);
    for (size_t i = 0; i < data.size(); ++i) data[i] = float(i);
    const Lanes<8> v = strided_lanes<S>(data.data());
    for (int l = 0; l < 8; ++l) CHECK(v[l] == float(S * l));
}

}  // namespace

TEST_CASE("strided_lanes gathers every S-th element into the eight lanes", "[simd][winograd]") {
    check_stride<1>();
    check_stride<2>();
    check_stride<4>();
    check_stride<6>();
}
