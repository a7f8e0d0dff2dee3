// The portable build of the direct kernels for CPUs without AVX2: the same
// tiles over a plain array of 8 floats, left to the compiler.
#include "algorithms/direct/isa_headers.hpp"

namespace convlab::direct {

struct Scalar {
    static constexpr int lanes = 8;
    struct reg {
        float v[lanes];
    };
    static reg zero() { return set1(0.0f); }
    static reg load(const float* p) {
        reg r;
        for (int l = 0; l < lanes; ++l) r.v[l] = p[l];
        return r;
    }
    static void store(float* p, reg r) {
        for (int l = 0; l < lanes; ++l) p[l] = r.v[l];
    }
    static reg load_tail(const float* p, int64_t n) {
        reg r = zero();
        for (int l = 0; l < n; ++l) r.v[l] = p[l];
        return r;
    }
    static void store_tail(float* p, reg r, int64_t n) {
        for (int l = 0; l < n; ++l) p[l] = r.v[l];
    }
    static float hsum(reg r) {
        float s = 0.0f;
        for (int l = 0; l < lanes; ++l) s += r.v[l];
        return s;
    }
    static void in_register(reg&) {}
    static reg set1(float x) {
        reg r;
        for (int l = 0; l < lanes; ++l) r.v[l] = x;
        return r;
    }
    static reg fma(reg a, reg b, reg c) {
        for (int l = 0; l < lanes; ++l) c.v[l] += a.v[l] * b.v[l];
        return c;
    }
};

}  // namespace convlab::direct

#include "algorithms/direct/engine.hpp"
#include "algorithms/direct/kernels.hpp"

namespace convlab::direct {

void run_scalar(const Plan& plan, const ConvArgs& args, Stage stage) { run_plan<Scalar>(plan, args, stage); }

}  // namespace convlab::direct
