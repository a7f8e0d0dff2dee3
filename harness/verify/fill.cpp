// Deterministic test data for the checker (declared in check.hpp).
//
// Values come from the raw bits of std::mt19937_64, whose output sequence the
// standard fixes, and never from std::uniform_*_distribution, whose output is
// left to the standard library: the same seed gives the same tensors with
// libstdc++, libc++ and MSVC, so a failure seen on one machine reproduces on
// another.
//
// Fill::reals draws from the case's DataSpec (data.hpp), uniform by default.
//
// Fill::integers follows benchdnn: small integers, and sparse enough that the
// sum of |terms| of every output element stays far below 2^24. Below 2^24
// every integer is exact in fp32, so each partial sum, in whatever order an
// algorithm adds, is exact, and an algorithm that only adds and multiplies must
// match the double reference bit for bit. The budget is 2^20, sixteen times
// below, to leave room for algorithms whose intermediate values grow by a small
// factor (Winograd's transformed tiles).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "harness/verify/check.hpp"

namespace convlab {
namespace {

constexpr int64_t integer_magnitude = 4;          // values in [-4, 4], 1/9 of them zero
constexpr int64_t sum_budget = int64_t(1) << 20;  // bound on the sum of |terms|

// SplitMix64's finaliser: spreads (seed, tensor) into unrelated engine seeds.
uint64_t mix(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

enum class Role : uint64_t { x = 1, w, b, dy };

std::mt19937_64 engine_for(uint64_t seed, Role role) {
    return std::mt19937_64(mix(mix(seed) ^ uint64_t(role)));
}

// An integer in [-m, m] from 64 raw bits (the modulo's bias, ~2^-60, is irrelevant).
float small_integer(uint64_t bits, int64_t m) { return float(int64_t((bits >> 8) % uint64_t(2 * m + 1)) - m); }

// A real in [-1, 1) from the top 53 bits.
float unit_real(uint64_t bits) { return float(double(bits >> 11) * 0x1p-53 * 2.0 - 1.0); }

// A standard normal value by Box-Muller on the two 32-bit halves (u1 in (0, 1), so log(u1) is finite).
float standard_normal(uint64_t bits) {
    const double u1 = (double(bits >> 32) + 0.5) * 0x1p-32, u2 = double(bits & 0xffffffffu) * 0x1p-32;
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.14159265358979323846 * u2));
}

// A nonzero subnormal fp32 value, either sign: the 23-bit mantissa (never 0) times 2^-149, exact.
float subnormal(uint64_t bits) {
    const uint64_t mantissa = ((bits >> 41) & 0x7fffffu) | 1u;
    const float magnitude = std::ldexp(float(mantissa), -149);
    return (bits >> 40) & 1u ? -magnitude : magnitude;
}

// One real value of `role` under `data`, from one 64-bit draw. The low 16
// bits decide the zeros and subnormals; unit_real reads the top 53.
float real_value(uint64_t bits, const DataSpec& data, Role role) {
    switch (data.distribution) {
        case Distribution::uniform: return unit_real(bits);
        case Distribution::normal: return standard_normal(bits);
        case Distribution::relu:
            if (role == Role::x) return std::max(unit_real(bits), 0.0f);
            if (role == Role::dy) return bits & 1u ? 0.0f : unit_real(bits);
            return unit_real(bits);
        case Distribution::denormal: {
            const bool chosen = double(bits & 0xffffu) < data.denormal_share * 65536.0;
            return role != Role::b && chosen ? subnormal(bits) : unit_real(bits);
        }
    }
    return unit_real(bits);
}

// Fills t; `keep(i)` says whether element i may be nonzero (the sparse operand).
template <class Keep>
void fill_tensor(Tensor& t, Fill fill, const DataSpec& data, uint64_t seed, Role role, int64_t magnitude, Keep keep) {
    auto engine = engine_for(seed, role);
    for (int64_t i = 0; i < t.size(); ++i) {
        uint64_t bits = engine();  // drawn for every element, so the mask does not shift the sequence
        if (fill == Fill::reals) {
            t[i] = real_value(bits, data, role);
        } else {
            t[i] = keep(i) ? small_integer(bits, magnitude) : 0.0f;
        }
    }
}

void fill_dense(Tensor& t, Fill fill, const DataSpec& data, uint64_t seed, Role role, int64_t magnitude) {
    fill_tensor(t, fill, data, seed, role, magnitude, [](int64_t) { return true; });
}

}  // namespace

IntegerFill integer_fill(const Problem& p, Direction d) {
    IntegerFill f;
    switch (d) {
        case Direction::fwd: f.reduction_length = p.icg() * p.kh * p.kw; break;
        case Direction::bwd_d: f.reduction_length = p.ocg() * p.kh * p.kw; break;
        case Direction::bwd_w: f.reduction_length = p.mb * p.oh * p.ow; break;
    }
    f.magnitude = integer_magnitude;
    // The smallest period (the densest data) that keeps the bound within budget.
    const int64_t terms_allowed = (sum_budget - f.magnitude) / (f.magnitude * f.magnitude);
    f.period = (f.reduction_length + terms_allowed - 1) / terms_allowed;
    if (f.period < 1) f.period = 1;
    return f;
}

// The sparse operand is masked along each reduction: with the reduction index r
// running over a contiguous range [0, L) for fixed other coordinates, at most
// ceil(L / period) values with (r + offset) % period == 0 survive, whatever the
// offset. The offset varies with a coordinate outside the reduction so
// different output channels see different patterns.
ConvTensors make_tensors(const Problem& p, Direction d, Fill fill, uint64_t seed, const DataSpec& data) {
    ConvTensors t;
    const IntegerFill plan = integer_fill(p, d);
    const int64_t m = plan.magnitude, period = plan.period;
    const int64_t khkw = p.kh * p.kw;
    switch (d) {
        case Direction::fwd: {
            t.x = Tensor(p.x_dims()), t.w = Tensor(p.w_dims()), t.b = Tensor(p.b_dims()), t.y = Tensor(p.y_dims());
            const int64_t L = p.icg() * khkw;  // w is [oc][r], r over (ic/g, kh, kw)
            fill_dense(t.x, fill, data, seed, Role::x, m);
            fill_tensor(t.w, fill, data, seed, Role::w, m, [&](int64_t i) { return (i % L + i / L) % period == 0; });
            fill_dense(t.b, fill, data, seed, Role::b, m);
            break;
        }
        case Direction::bwd_d: {
            t.dy = Tensor(p.y_dims()), t.w = Tensor(p.w_dims()), t.dx = Tensor(p.x_dims());
            // w is [oc][c][k]; dx of channel c reduces over r = (oc mod oc/g, k).
            fill_dense(t.dy, fill, data, seed, Role::dy, m);
            fill_tensor(t.w, fill, data, seed, Role::w, m, [&](int64_t i) {
                const int64_t k = i % khkw, c = i / khkw % p.icg(), oc = i / (khkw * p.icg());
                return ((oc % p.ocg()) * khkw + k + c) % period == 0;
            });
            break;
        }
        case Direction::bwd_w: {
            t.x = Tensor(p.x_dims()), t.dy = Tensor(p.y_dims()), t.dw = Tensor(p.w_dims()), t.db = Tensor(p.b_dims());
            // dy is [n][oc][s]; dw and db of channel oc reduce over r = (n, s).
            const int64_t spatial = p.oh * p.ow;
            fill_dense(t.x, fill, data, seed, Role::x, m);
            fill_tensor(t.dy, fill, data, seed, Role::dy, m, [&](int64_t i) {
                const int64_t s = i % spatial, oc = i / spatial % p.oc, n = i / (spatial * p.oc);
                return (n * spatial + s + oc) % period == 0;
            });
            break;
        }
    }
    return t;
}

}  // namespace convlab
