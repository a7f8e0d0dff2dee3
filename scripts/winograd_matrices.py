#!/usr/bin/env python3
"""Derives Winograd F(m, 3) matrices B^T, G, A^T from interpolation points, in
exact rational arithmetic, and prints them as C++ initialisers.

Toom-Cook with the point at infinity: for finite points a_0 .. a_{n-2}
(n = m + 2), column j of A^T evaluates at a_j (A^T[i][j] = s_j a_j^i) and its
last column is e_{m-1}; row j of G is t_j (1, a_j, a_j^2) and its last row is
e_2. The scales s_j, t_j are free (they only move a factor between the three
matrices); B^T is then the unique solution of the linear equations that make
A^T [(G g) . (B^T d)] the correlation sum_k d[i + k] g[k] for every d and g.

Usage: scripts/winograd_matrices.py  (prints F(6,3) as winograd.hpp holds it)
"""
from fractions import Fraction as F
import itertools
import random

R = 3


def solve(rows, rhs):
    """x with rows . x = rhs exactly (Gauss-Jordan); the system may be overdetermined but must be consistent."""
    n = len(rows[0])
    a = [list(r) + [b] for r, b in zip(rows, rhs)]
    pivots, row = [], 0
    for col in range(n):
        p = next((i for i in range(row, len(a)) if a[i][col] != 0), None)
        if p is None:
            continue
        a[row], a[p] = a[p], a[row]
        a[row] = [v / a[row][col] for v in a[row]]
        for i in range(len(a)):
            if i != row and a[i][col] != 0:
                f = a[i][col]
                a[i] = [x - f * y for x, y in zip(a[i], a[row])]
        pivots.append(col)
        row += 1
    if any(all(v == 0 for v in r[:-1]) and r[-1] != 0 for r in a):
        raise ValueError("inconsistent: the points do not give an F(m, 3)")
    if len(pivots) != n:
        raise ValueError("underdetermined")
    x = [F(0)] * n
    for i, col in enumerate(pivots):
        x[col] = a[i][-1]
    return x


def derive(points, s, t):
    n = len(points) + 1
    m = n - R + 1
    AT = [[s[j] * points[j] ** i for j in range(n - 1)] + [F(int(i == m - 1))] for i in range(m)]
    G = [[t[j] * points[j] ** k for k in range(R)] for j in range(n - 1)] + [[F(int(k == R - 1)) for k in range(R)]]
    # Unknown B^T[j][p]; equation (i, k, p): sum_j AT[i][j] G[j][k] BT[j][p] = [p == i + k].
    rows, rhs = [], []
    for i, k, p in itertools.product(range(m), range(R), range(n)):
        row = [F(0)] * (n * n)
        for j in range(n):
            row[j * n + p] = AT[i][j] * G[j][k]
        rows.append(row)
        rhs.append(F(int(p == i + k)))
    x = solve(rows, rhs)
    BT = [[x[j * n + p] for p in range(n)] for j in range(n)]
    return BT, G, AT


def check(BT, G, AT, trials=20):
    n, m = len(BT), len(AT)
    rng = random.Random(1)
    for _ in range(trials):
        d = [F(rng.randint(-99, 99), rng.randint(1, 9)) for _ in range(n)]
        g = [F(rng.randint(-99, 99), rng.randint(1, 9)) for _ in range(R)]
        gg = [sum(G[j][k] * g[k] for k in range(R)) for j in range(n)]
        bd = [sum(BT[j][p] * d[p] for p in range(n)) for j in range(n)]
        y = [sum(AT[i][j] * gg[j] * bd[j] for j in range(n)) for i in range(m)]
        assert y == [sum(d[i + k] * g[k] for k in range(R)) for i in range(m)]


def cpp(name, M):
    def value(v):
        if v.denominator == 1:
            return str(v.numerator)
        return f"{v.numerator}.0 / {v.denominator}"

    body = ",\n    ".join("{" + ", ".join(value(v) for v in row) + "}" for row in M)
    return f"Matrix<{len(M)}, {len(M[0])}> {name}{{{{\n    {body}}}}};"


if __name__ == "__main__":
    h = F(1, 2)
    points = [F(0), F(1), F(-1), F(2), F(-2), h, -h]
    # A^T unscaled (powers of the points); G's row scales t_j as in the
    # widely used F(6,3) set (Lavin & Gray's construction), which keep B^T's
    # entries at most 21/4. Moving a power of two between the matrices changes
    # no fp32 result; other scales only move where G's rounding falls.
    s = [1] * 7
    t = [F(1), F(-2, 9), F(-2, 9), F(1, 90), F(1, 90), F(32, 45), F(32, 45)]
    BT, G, AT = derive(points, s, t)
    check(BT, G, AT)
    for name, M in (("BT", BT), ("G", G), ("AT", AT)):
        print(cpp(name, M))
