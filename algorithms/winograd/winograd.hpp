// Winograd minimal filtering F(m, 3): the transform matrices and the small
// "sandwich" products X -> M X M^T that every Winograd transform is made of.
//
// 1-D: y = A^T [(G g) . (B^T d)] is the correlation y[i] = sum_k d[i + k] g[k]
// of an alpha = m + 2 input tile d with a 3-tap filter g, giving m outputs.
// 2-D (nested): Y = A^T [(G g G^T) . (B^T d B)] A.
//
// The same matrices serve the weight gradient: the correlation of an alpha-tile
// of x with an m x m block of dy gives the 3 x 3 kernel taps, F(3, m), whose
// matrices are B^T (unchanged), G' = A and A'^T = G^T (the transposition
// principle: the trilinear form sum_{i,k} u_i d[i + k] g_k is symmetric in the
// roles of u and g).
//
// The double-precision forms over whole tiles that check these matrices are
// the tests' (tests/algorithms/winograd/winograd_forms.hpp): the engines
// transform in float.
//
// The matrices are constexpr so that, once the sandwich loops are unrolled,
// every coefficient is a compile-time constant: zeros vanish, +-1 become adds
// and subtracts. The sandwich here works on arrays of L independent lanes;
// the engines' kernels do the same on registers (winograd_kernel_templates.hpp).
#pragma once

namespace convlab {

template <int R, int C>
struct Matrix {
    double v[R][C];
    static constexpr int rows = R, cols = C;
};

template <int R, int C>
constexpr Matrix<C, R> transposed(const Matrix<R, C>& a) {
    Matrix<C, R> t{};
    for (int r = 0; r < R; ++r)
        for (int c = 0; c < C; ++c) t.v[c][r] = a.v[r][c];
    return t;
}

// F(2x2, 3x3): interpolation points 0, 1, -1, infinity.
struct TileF2x3 {
    static constexpr int m = 2, r = 3, alpha = 4;
    static constexpr Matrix<4, 4> BT{{{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}};
    static constexpr Matrix<4, 3> G{{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}};
    static constexpr Matrix<2, 4> AT{{{1, 1, 1, 0}, {0, 1, -1, -1}}};
};

// F(4x4, 3x3): Lavin & Gray's points 0, 1, -1, 2, -2, infinity.
struct TileF4x3 {
    static constexpr int m = 4, r = 3, alpha = 6;
    static constexpr Matrix<6, 6> BT{{{4, 0, -5, 0, 1, 0},
                                      {0, -4, -4, 1, 1, 0},
                                      {0, 4, -4, -1, 1, 0},
                                      {0, -2, -1, 2, 1, 0},
                                      {0, 2, -1, -2, 1, 0},
                                      {0, 4, 0, -5, 0, 1}}};
    static constexpr Matrix<6, 3> G{{{1.0 / 4, 0, 0},
                                     {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                     {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                     {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                     {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                     {0, 0, 1}}};
    static constexpr Matrix<4, 6> AT{{{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}}};
};

// F(6x6, 3x3): points 0, 1, -1, 2, -2, 1/2, -1/2, infinity. With F(4,3)'s
// points plus +-1/2 the entries stay small (B^T's largest is 21/4, A^T's 32);
// further integer points would bring 3^5 = 243 into A^T. Derived in exact
// rational arithmetic by scripts/winograd_matrices.py: A^T[i][j] = a_j^i,
// G's row j a scale times (1, a_j, a_j^2), B^T solved so that A^T [(G g) .
// (B^T d)] is the correlation (the scales are the widely used set's).
struct TileF6x3 {
    static constexpr int m = 6, r = 3, alpha = 8;
    static constexpr Matrix<8, 8> BT{{{1, 0, -21.0 / 4, 0, 21.0 / 4, 0, -1, 0},
                                      {0, 1, 1, -17.0 / 4, -17.0 / 4, 1, 1, 0},
                                      {0, -1, 1, 17.0 / 4, -17.0 / 4, -1, 1, 0},
                                      {0, 1.0 / 2, 1.0 / 4, -5.0 / 2, -5.0 / 4, 2, 1, 0},
                                      {0, -1.0 / 2, 1.0 / 4, 5.0 / 2, -5.0 / 4, -2, 1, 0},
                                      {0, 2, 4, -5.0 / 2, -5, 1.0 / 2, 1, 0},
                                      {0, -2, 4, 5.0 / 2, -5, -1.0 / 2, 1, 0},
                                      {0, -1, 0, 21.0 / 4, 0, -21.0 / 4, 0, 1}}};
    static constexpr Matrix<8, 3> G{{{1, 0, 0},
                                     {-2.0 / 9, -2.0 / 9, -2.0 / 9},
                                     {-2.0 / 9, 2.0 / 9, -2.0 / 9},
                                     {1.0 / 90, 1.0 / 45, 2.0 / 45},
                                     {1.0 / 90, -1.0 / 45, 2.0 / 45},
                                     {32.0 / 45, 16.0 / 45, 8.0 / 45},
                                     {32.0 / 45, -16.0 / 45, 8.0 / 45},
                                     {0, 0, 1}}};
    static constexpr Matrix<6, 8> AT{{{1, 1, 1, 1, 1, 1, 1, 0},
                                      {0, 1, -1, 2, -2, 1.0 / 2, -1.0 / 2, 0},
                                      {0, 1, 1, 4, 4, 1.0 / 4, 1.0 / 4, 0},
                                      {0, 1, -1, 8, -8, 1.0 / 8, -1.0 / 8, 0},
                                      {0, 1, 1, 16, 16, 1.0 / 16, 1.0 / 16, 0},
                                      {0, 1, -1, 32, -32, 1.0 / 32, -1.0 / 32, 1}}};
};

// out[r][j][l] = sum_c M[r][c] in[c][j][l] over the first index; J columns.
// Zero coefficients are skipped and the first term initialises the sum, so
// with constant coefficients only the necessary adds and multiplies remain.
template <int R, int C, int J, int L, class T>
inline void left_multiply(const Matrix<R, C>& M, const T (&in)[C][J][L], T (&out)[R][J][L]) {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        bool first = true;
#pragma GCC unroll 8
        for (int c = 0; c < C; ++c) {
            const T k = T(M.v[r][c]);
            if (k == T(0)) continue;
#pragma GCC unroll 8
            for (int j = 0; j < J; ++j)
#pragma omp simd
                for (int l = 0; l < L; ++l)
                    out[r][j][l] = first ? k * in[c][j][l] : out[r][j][l] + k * in[c][j][l];
            first = false;
        }
        if (first)  // an all-zero row (never in these matrices, but keep it total)
            for (int j = 0; j < J; ++j)
                for (int l = 0; l < L; ++l) out[r][j][l] = T(0);
    }
}

// out[i][r][l] = sum_c in[i][c][l] M[r][c] over the second index (X M^T); I rows.
template <int R, int C, int I, int L, class T>
inline void right_multiply_transposed(const Matrix<R, C>& M, const T (&in)[I][C][L], T (&out)[I][R][L]) {
#pragma GCC unroll 8
    for (int i = 0; i < I; ++i)
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            bool first = true;
#pragma GCC unroll 8
            for (int c = 0; c < C; ++c) {
                const T k = T(M.v[r][c]);
                if (k == T(0)) continue;
#pragma omp simd
                for (int l = 0; l < L; ++l) out[i][r][l] = first ? k * in[i][c][l] : out[i][r][l] + k * in[i][c][l];
                first = false;
            }
            if (first)
                for (int l = 0; l < L; ++l) out[i][r][l] = T(0);
        }
}

// out = M in M^T on each of L lanes: in is C x C, out is R x R.
template <int R, int C, int L, class T>
inline void sandwich(const Matrix<R, C>& M, const T (&in)[C][C][L], T (&out)[R][R][L]) {
    T half[R][C][L];
    left_multiply(M, in, half);
    right_multiply_transposed(M, half, out);
}

}  // namespace convlab
