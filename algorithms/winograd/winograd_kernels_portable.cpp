// The portable build of the Winograd kernels, for CPUs without AVX2 (and
// CONVLAB_ISA=scalar): 8-lane vectors of the build's target (Lanes<8>,
// common/simd.hpp), left to the compiler; and the choice among the ISAs.
#include <cstdint>
#include <string_view>

#include "algorithms/common/simd.hpp"
#include "algorithms/winograd/winograd.hpp"
#include "algorithms/winograd/winograd_kernels.hpp"

namespace convlab {

namespace {

struct WinogradPortable {
    using reg = Lanes<8>;
    static constexpr int channels = 1, lanes = 8;
    static reg zero() { return reg{}; }
    static reg load(const float* p) { return load_lanes<8>(p); }
    static void store(float* p, reg v) { store_lanes<8>(p, v); }
    static reg join(const Lanes<8>* parts) { return parts[0]; }
    static reg load_parts(const float* p, int64_t) { return load(p); }
    static void store_parts(float* p, int64_t, reg v) { store(p, v); }
    static reg gather(const float* p, int64_t stride) {
        reg v;
        for (int l = 0; l < lanes; ++l) v[l] = p[stride * l];
        return v;
    }
    static reg set1(float k) { return reg{} + k; }
    static reg fma(reg a, reg b, reg c) { return a * b + c; }
};

}  // namespace

}  // namespace convlab

#include "algorithms/winograd/winograd_kernel_templates.hpp"

namespace convlab {

template <class Tile>
WinogradKernels winograd_kernels_portable() {
    return kernels_of<WinogradPortable, Tile>("scalar");
}

template <class Tile>
WinogradKernels winograd_kernels(Isa isa) {
    switch (isa) {
        case Isa::avx512: return winograd_kernels_avx512<Tile>();
        case Isa::avx2: return winograd_kernels_avx2<Tile>();
        case Isa::scalar: break;
    }
    return winograd_kernels_portable<Tile>();
}

template WinogradKernels winograd_kernels<TileF2x3>(Isa);
template WinogradKernels winograd_kernels<TileF4x3>(Isa);
template WinogradKernels winograd_kernels<TileF6x3>(Isa);

}  // namespace convlab
