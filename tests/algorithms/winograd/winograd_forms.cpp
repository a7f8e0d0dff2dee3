#include "tests/algorithms/winograd/winograd_forms.hpp"

#include <stdexcept>

namespace convlab::testing {

namespace {

// Copies a row-major rows x cols vector into a one-lane array.
template <int R, int C>
void load(const std::vector<double>& v, double (&out)[R][C][1]) {
    if (v.size() != size_t(R * C)) throw std::invalid_argument("winograd: tile of the wrong size");
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) out[r][c][0] = v[size_t(r * C + c)];
}

template <int R, int C>
std::vector<double> store(const double (&in)[R][C][1]) {
    std::vector<double> v(size_t(R * C));
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) v[size_t(r * C + c)] = in[r][c][0];
    return v;
}

}  // namespace

template <class Tile>
std::vector<double> winograd_correlate_1d(const std::vector<double>& d, const std::vector<double>& g) {
    constexpr int A = Tile::alpha, M = Tile::m;
    double dd[A][1][1], gg[3][1][1], bd[A][1][1], gt[A][1][1], product[A][1][1], y[M][1][1];
    load<A, 1>(d, dd);
    load<3, 1>(g, gg);
    left_multiply(Tile::BT, dd, bd);
    left_multiply(Tile::G, gg, gt);
    for (int i = 0; i < A; ++i) product[i][0][0] = bd[i][0][0] * gt[i][0][0];
    left_multiply(Tile::AT, product, y);
    return store<M, 1>(y);
}

template <class Tile>
std::vector<double> filter_transform_2d(const std::vector<double>& g) {
    constexpr int A = Tile::alpha;
    double gg[3][3][1], u[A][A][1];
    load<3, 3>(g, gg);
    sandwich(Tile::G, gg, u);
    return store<A, A>(u);
}

template <class Tile>
std::vector<double> winograd_correlate_2d(const std::vector<double>& d, const std::vector<double>& g) {
    constexpr int A = Tile::alpha, M = Tile::m;
    double dd[A][A][1], v[A][A][1], y[M][M][1];
    load<A, A>(d, dd);
    sandwich(Tile::BT, dd, v);
    const std::vector<double> u = filter_transform_2d<Tile>(g);
    for (int i = 0; i < A; ++i)
        for (int j = 0; j < A; ++j) v[i][j][0] *= u[size_t(i * A + j)];
    sandwich(Tile::AT, v, y);
    return store<M, M>(y);
}

template std::vector<double> winograd_correlate_1d<TileF2x3>(const std::vector<double>&, const std::vector<double>&);
template std::vector<double> winograd_correlate_1d<TileF4x3>(const std::vector<double>&, const std::vector<double>&);
template std::vector<double> winograd_correlate_2d<TileF2x3>(const std::vector<double>&, const std::vector<double>&);
template std::vector<double> winograd_correlate_2d<TileF4x3>(const std::vector<double>&, const std::vector<double>&);
template std::vector<double> filter_transform_2d<TileF2x3>(const std::vector<double>&);
template std::vector<double> filter_transform_2d<TileF4x3>(const std::vector<double>&);
template std::vector<double> winograd_correlate_1d<TileF6x3>(const std::vector<double>&, const std::vector<double>&);
template std::vector<double> winograd_correlate_2d<TileF6x3>(const std::vector<double>&, const std::vector<double>&);
template std::vector<double> filter_transform_2d<TileF6x3>(const std::vector<double>&);

std::vector<double> plain_correlate_1d(const std::vector<double>& d, const std::vector<double>& g) {
    if (g.empty() || d.size() < g.size()) throw std::invalid_argument("plain_correlate_1d: input shorter than filter");
    std::vector<double> y(d.size() - g.size() + 1, 0.0);
    for (size_t i = 0; i < y.size(); ++i)
        for (size_t k = 0; k < g.size(); ++k) y[i] += d[i + k] * g[k];
    return y;
}

std::vector<double> plain_correlate_2d(const std::vector<double>& d, int64_t d_size, const std::vector<double>& g,
                                       int64_t g_size) {
    if (g_size < 1 || d_size < g_size) throw std::invalid_argument("plain_correlate_2d: input smaller than filter");
    const int64_t out = d_size - g_size + 1;
    std::vector<double> y(size_t(out * out), 0.0);
    for (int64_t i = 0; i < out; ++i)
        for (int64_t j = 0; j < out; ++j)
            for (int64_t a = 0; a < g_size; ++a)
                for (int64_t b = 0; b < g_size; ++b)
                    y[size_t(i * out + j)] += d[size_t((i + a) * d_size + j + b)] * g[size_t(a * g_size + b)];
    return y;
}

}  // namespace convlab::testing
