// The portable build of the indirect kernels for CPUs without AVX2: the same
// tiles (4 pixels x 8 or 16 channels) over a plain array of 8 floats, left
// to the compiler.
#include <algorithm>
#include <cstdint>

#include "algorithms/indirect/kernel_api.hpp"

namespace convlab::indirect {

namespace {

struct Scalar {
    static constexpr int lanes = 8;
    struct reg {
        float v[lanes];
    };
    static reg set1(float x) {
        reg r;
        for (int l = 0; l < lanes; ++l) r.v[l] = x;
        return r;
    }
    static reg zero() { return set1(0.0f); }
    static reg load(const float* p) { return load_tail(p, lanes); }
    static reg load_tail(const float* p, int64_t n) {
        reg r = zero();
        for (int l = 0; l < n; ++l) r.v[l] = p[l];
        return r;
    }
    static void store(float* p, reg r) { store_tail(p, r, lanes); }
    static void store_tail(float* p, reg r, int64_t n) {
        for (int l = 0; l < n; ++l) p[l] = r.v[l];
    }
    static void in_register(reg&) {}
    static reg fma(reg a, reg b, reg c) {
        for (int l = 0; l < lanes; ++l) c.v[l] += a.v[l] * b.v[l];
        return c;
    }
};

}  // namespace

}  // namespace convlab::indirect

#include "algorithms/indirect/kernel_templates.hpp"

namespace convlab::indirect {

Kernels scalar_kernels() { return kernels_of<Scalar, 4, 4>("scalar"); }

}  // namespace convlab::indirect
