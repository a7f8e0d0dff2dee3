// im2col + dgemm in double, a band of output rows at a time (fast_reference.hpp).
//
// Per image n and group g, with K = icg * kh * kw and a band of output rows
// [r0, r1) holding B = (r1 - r0) * ow output pixels:
//   col[K][B]        the input values each output pixel of the band reads (0 in the padding)
//   fwd:    y[ocg][B]  = w[ocg][K] * col[K][B] + b
//   bwd_d:  col[K][B]  = w[ocg][K]^T * dy[ocg][B], then scattered back into dx
//   bwd_w:  dw[ocg][K] += dy[ocg][B] * col[K][B]^T   (across every band and image)
// The band is contiguous in each NCHW output plane, so y and dy are read and
// written in place with a leading dimension of oh * ow.
#include "algorithms/reference/fast_reference.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "algorithms/reference/reference.hpp"

namespace convlab {

namespace {

struct Band {
    int64_t r0, r1;
    int64_t pixels(const Problem& p) const { return (r1 - r0) * p.ow; }
};

int64_t rows_per_band(const Problem& p) {
    const int64_t row_bytes = p.icg() * p.kh * p.kw * p.ow * int64_t(sizeof(double));
    return std::clamp<int64_t>(band_budget_bytes / std::max<int64_t>(row_bytes, 1), 1, p.oh);
}

// Calls visit(k, column, input index or -1 in the padding) for every element
// of the band's column matrix of image n, group g, in storage order.
template <class Visit>
void for_each_col(const Problem& p, int64_t n, int64_t g, Band band, Visit visit) {
    const int64_t columns = band.pixels(p);
    for (int64_t icg = 0; icg < p.icg(); ++icg) {
        const int64_t plane = (n * p.ic + g * p.icg() + icg) * p.ih * p.iw;
        for (int64_t kh = 0; kh < p.kh; ++kh)
            for (int64_t kw = 0; kw < p.kw; ++kw) {
                const int64_t k = (icg * p.kh + kh) * p.kw + kw;
                for (int64_t oh = band.r0; oh < band.r1; ++oh) {
                    const int64_t ih = oh * p.sh - p.ph + kh * (p.dh + 1);
                    for (int64_t ow = 0; ow < p.ow; ++ow) {
                        const int64_t iw = ow * p.sw - p.pw + kw * (p.dw + 1);
                        const bool inside = ih >= 0 && ih < p.ih && iw >= 0 && iw < p.iw;
                        visit(k * columns + (oh - band.r0) * p.ow + ow, inside ? plane + ih * p.iw + iw : -1);
                    }
                }
            }
    }
}

void gather(const Problem& p, const double* x, int64_t n, int64_t g, Band band, double* col) {
    for_each_col(p, n, g, band, [&](int64_t at, int64_t xi) { col[at] = xi < 0 ? 0.0 : x[xi]; });
}

void scatter(const Problem& p, const double* col, int64_t n, int64_t g, Band band, double* dx) {
    for_each_col(p, n, g, band, [&](int64_t at, int64_t xi) {
        if (xi >= 0) dx[xi] += col[at];
    });
}

// The output plane offset of (n, first channel of group g, first row of band).
int64_t y_band(const Problem& p, int64_t n, int64_t g, Band band) {
    return (n * p.oc + g * p.ocg()) * p.oh * p.ow + band.r0 * p.ow;
}

template <class Body>
void for_each_band(const Problem& p, Body body) {
    const int64_t rows = rows_per_band(p);
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t g = 0; g < p.g; ++g)
            for (int64_t r0 = 0; r0 < p.oh; r0 += rows) body(n, g, Band{r0, std::min(p.oh, r0 + rows)});
}

int64_t taps(const Problem& p) { return p.icg() * p.kh * p.kw; }

std::vector<double> column_buffer(const Problem& p) {
    return std::vector<double>(size_t(taps(p) * rows_per_band(p) * p.ow));
}

}  // namespace

void fast_reference_fwd(const Problem& p, const double* x, const double* w, const double* b, double* y) {
    const int64_t K = taps(p), plane = p.oh * p.ow;
    std::vector<double> col = column_buffer(p);
    for_each_band(p, [&](int64_t n, int64_t g, Band band) {
        const int64_t B = band.pixels(p);
        double* out = y + y_band(p, n, g, band);
        for (int64_t o = 0; o < p.ocg(); ++o)
            std::fill(out + o * plane, out + o * plane + B, b ? b[g * p.ocg() + o] : 0.0);
        gather(p, x, n, g, band, col.data());
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(p.ocg()), blasint(B), blasint(K), 1.0,
                    w + g * p.ocg() * K, blasint(K), col.data(), blasint(B), 1.0, out, blasint(plane));
    });
}

void fast_reference_bwd_d(const Problem& p, const double* dy, const double* w, double* dx) {
    const int64_t K = taps(p), plane = p.oh * p.ow;
    std::fill(dx, dx + p.x_elems(), 0.0);
    std::vector<double> col = column_buffer(p);
    for_each_band(p, [&](int64_t n, int64_t g, Band band) {
        const int64_t B = band.pixels(p);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, blasint(K), blasint(B), blasint(p.ocg()), 1.0,
                    w + g * p.ocg() * K, blasint(K), dy + y_band(p, n, g, band), blasint(plane), 0.0, col.data(),
                    blasint(B));
        scatter(p, col.data(), n, g, band, dx);
    });
}

void fast_reference_bwd_w(const Problem& p, const double* x, const double* dy, double* dw, double* db) {
    const int64_t K = taps(p), plane = p.oh * p.ow;
    std::fill(dw, dw + p.w_elems(), 0.0);
    std::vector<double> col = column_buffer(p);
    for_each_band(p, [&](int64_t n, int64_t g, Band band) {
        const int64_t B = band.pixels(p);
        gather(p, x, n, g, band, col.data());
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasint(p.ocg()), blasint(K), blasint(B), 1.0,
                    dy + y_band(p, n, g, band), blasint(plane), col.data(), blasint(B), 1.0,
                    dw + g * p.ocg() * K, blasint(K));
    });
    if (db) reference_bias_gradient(p, dy, db);  // a plain sum: nothing for dgemm to speed up
}

}  // namespace convlab
