// The Winograd matrices against plain correlation: the identities that make
// them F(2,3), F(4,3) and F(6,3) at all, in 1-D and 2-D, on random real data; F(2,3)
// bit-exact on small integers; and the F(3, m) form the weight gradient uses.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "algorithms/winograd/winograd.hpp"
#include "tests/algorithms/winograd/winograd_forms.hpp"

using namespace convlab;
using namespace convlab::testing;

namespace {

std::vector<double> random_values(std::mt19937_64& rng, size_t n) {
    std::uniform_real_distribution<double> dist(-1.0, 1.0);
    std::vector<double> v(n);
    for (double& x : v) x = dist(rng);
    return v;
}

std::vector<double> random_integers(std::mt19937_64& rng, size_t n) {
    std::uniform_int_distribution<int> dist(-8, 8);
    std::vector<double> v(n);
    for (double& x : v) x = dist(rng);
    return v;
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
    REQUIRE(a.size() == b.size());
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
    return worst;
}

template <class Tile>
void check_identities(uint64_t seed) {
    constexpr int A = Tile::alpha, M = Tile::m;
    std::mt19937_64 rng(seed);
    for (int trial = 0; trial < 50; ++trial) {
        const auto d1 = random_values(rng, A), g1 = random_values(rng, 3);
        const auto y1 = winograd_correlate_1d<Tile>(d1, g1);
        REQUIRE(y1.size() == size_t(M));
        CHECK(max_difference(y1, plain_correlate_1d(d1, g1)) < 1e-12);

        const auto d2 = random_values(rng, A * A), g2 = random_values(rng, 9);
        const auto y2 = winograd_correlate_2d<Tile>(d2, g2);
        REQUIRE(y2.size() == size_t(M * M));
        CHECK(max_difference(y2, plain_correlate_2d(d2, A, g2, 3)) < 1e-12);
    }
}

// The F(3, m) form of the weight gradient: taps[k] = sum_i d[i + k] e[i] for an
// alpha-tile d and an m-block e is G^T [(A e) . (B^T d)].
template <class Tile>
void check_weight_gradient_form(uint64_t seed) {
    constexpr int A = Tile::alpha, M = Tile::m;
    constexpr auto A_matrix = transposed(Tile::AT);
    constexpr auto GT = transposed(Tile::G);
    std::mt19937_64 rng(seed);
    for (int trial = 0; trial < 50; ++trial) {
        const auto d = random_values(rng, A), e = random_values(rng, M);
        double dd[A][1][1], ee[M][1][1], bd[A][1][1], ae[A][1][1], taps[3][1][1];
        for (int i = 0; i < A; ++i) dd[i][0][0] = d[size_t(i)];
        for (int i = 0; i < M; ++i) ee[i][0][0] = e[size_t(i)];
        left_multiply(Tile::BT, dd, bd);
        left_multiply(A_matrix, ee, ae);
        for (int i = 0; i < A; ++i) bd[i][0][0] *= ae[i][0][0];
        left_multiply(GT, bd, taps);
        const auto plain = plain_correlate_1d(d, e);  // 3 outputs: the taps
        REQUIRE(plain.size() == 3);
        for (int k = 0; k < 3; ++k) CHECK(std::fabs(taps[k][0][0] - plain[size_t(k)]) < 1e-12);
    }
}

}  // namespace

TEST_CASE("plain correlation helpers on a hand-checked example", "[winograd]") {
    // d = 1 2 3 4, g = 1 0 -1: y = 1-3, 2-4
    CHECK(plain_correlate_1d({1, 2, 3, 4}, {1, 0, -1}) == std::vector<double>{-2, -2});
    // 3x3 input, 2x2 filter [[1,0],[0,1]]: y[i][j] = d[i][j] + d[i+1][j+1]
    CHECK(plain_correlate_2d({1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, {1, 0, 0, 1}, 2) == std::vector<double>{6, 8, 12, 14});
}

TEST_CASE("F(2,3) matrices compute the correlation in 1-D and 2-D", "[winograd]") {
    check_identities<TileF2x3>(11);
}

TEST_CASE("F(4,3) matrices compute the correlation in 1-D and 2-D", "[winograd]") {
    check_identities<TileF4x3>(12);
}

TEST_CASE("F(6,3) matrices compute the correlation in 1-D and 2-D", "[winograd]") {
    check_identities<TileF6x3>(16);
}

TEST_CASE("F(6,3) matrices match an independent construction from the points", "[winograd]") {
    // Each A^T column j < 7 evaluates at point a_j (A^T[i][j] = a_j^i), each
    // G row j < 7 is a multiple of (1, a_j, a_j^2): the Toom-Cook form the
    // correlation identity above alone does not pin down (which points).
    const double points[7] = {0, 1, -1, 2, -2, 0.5, -0.5};
    for (int j = 0; j < 7; ++j) {
        INFO("point " << points[j]);
        for (int i = 0; i < 6; ++i) CHECK(TileF6x3::AT.v[i][j] == std::pow(points[j], i));
        const double scale = TileF6x3::G.v[j][0];
        REQUIRE(scale != 0);
        CHECK(TileF6x3::G.v[j][1] == Approx(scale * points[j]).margin(1e-15));
        CHECK(TileF6x3::G.v[j][2] == Approx(scale * points[j] * points[j]).margin(1e-15));
    }
    // The point at infinity: the last column of A^T and row of G pick the
    // leading coefficients.
    for (int i = 0; i < 6; ++i) CHECK(TileF6x3::AT.v[i][7] == (i == 5 ? 1 : 0));
    CHECK((TileF6x3::G.v[7][0] == 0 && TileF6x3::G.v[7][1] == 0 && TileF6x3::G.v[7][2] == 1));
}

TEST_CASE("F(6,3) on small integers is within 1e-9 in double, not bit for bit", "[winograd]") {
    // G's 2/9, 1/90, 1/45, 32/45 round even in double: integer data gives the
    // correlation to ~1e-12, not bit for bit (in fp32 the contract is inexact).
    std::mt19937_64 rng(17);
    for (int trial = 0; trial < 200; ++trial) {
        const auto d = random_integers(rng, 64), g = random_integers(rng, 9);
        CHECK(max_difference(winograd_correlate_2d<TileF6x3>(d, g), plain_correlate_2d(d, 8, g, 3)) < 1e-9);
    }
}

TEST_CASE("F(2,3) is exact on small integers", "[winograd]") {
    std::mt19937_64 rng(13);
    for (int trial = 0; trial < 200; ++trial) {
        const auto d = random_integers(rng, 16), g = random_integers(rng, 9);
        CHECK(winograd_correlate_2d<TileF2x3>(d, g) == plain_correlate_2d(d, 4, g, 3));
    }
}

TEST_CASE("the transposed matrices give the weight-gradient form F(3, m)", "[winograd]") {
    check_weight_gradient_form<TileF2x3>(14);
    check_weight_gradient_form<TileF4x3>(15);
    check_weight_gradient_form<TileF6x3>(18);
}

TEST_CASE("the filter transform of a delta filter is the matching column products of G", "[winograd]") {
    // g = delta at (1, 1): (G g G^T)[i][j] = G[i][1] * G[j][1].
    std::vector<double> g(9, 0.0);
    g[4] = 1;
    const auto u = filter_transform_2d<TileF4x3>(g);
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j) CHECK(u[size_t(i * 6 + j)] == Approx(TileF4x3::G.v[i][1] * TileF4x3::G.v[j][1]));
}
