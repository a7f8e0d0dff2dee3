// The reference algorithm: direct loops in double (reference.hpp),
// wrapped as an Algorithm that converts its fp32 inputs to double in the
// workspace, runs the double loops and rounds each result to fp32 once.
#include "algorithms/reference/reference.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "algorithms/algorithm.hpp"

namespace convlab {

namespace {

// Flat offsets into the NCHW activations and [oc][ic/g][kh][kw] weights.
int64_t x_at(const Problem& p, int64_t n, int64_t c, int64_t h, int64_t w) {
    return ((n * p.ic + c) * p.ih + h) * p.iw + w;
}
int64_t y_at(const Problem& p, int64_t n, int64_t c, int64_t h, int64_t w) {
    return ((n * p.oc + c) * p.oh + h) * p.ow + w;
}
int64_t w_at(const Problem& p, int64_t oc, int64_t icg, int64_t kh, int64_t kw) {
    return ((oc * p.icg() + icg) * p.kh + kh) * p.kw + kw;
}

// Input row/column read by output position `o` at kernel tap `k`. It may fall
// in the padding (< 0 or >= the input size); bottom/right padding of any sign
// needs no special case because only the oh x ow existing outputs are visited.
int64_t input_row(const Problem& p, int64_t o, int64_t k) { return o * p.sh - p.ph + k * (p.dh + 1); }
int64_t input_col(const Problem& p, int64_t o, int64_t k) { return o * p.sw - p.pw + k * (p.dw + 1); }

// The terms of output (n, oc, oh, ow): calls visit(x index, w index) for each
// input channel of oc's group and kernel tap that reads inside the input, in
// (icg, kh, kw) order. The forward pass sums along it and backward data
// scatters along it, so the two share one index map and cannot disagree on it.
template <class Visit>
void for_each_tap(const Problem& p, int64_t n, int64_t oc, int64_t oh, int64_t ow, Visit visit) {
    const int64_t group = oc / p.ocg();
    for (int64_t icg = 0; icg < p.icg(); ++icg)
        for (int64_t kh = 0; kh < p.kh; ++kh) {
            const int64_t ih = input_row(p, oh, kh);
            if (ih < 0 || ih >= p.ih) continue;
            for (int64_t kw = 0; kw < p.kw; ++kw) {
                const int64_t iw = input_col(p, ow, kw);
                if (iw < 0 || iw >= p.iw) continue;
                visit(x_at(p, n, group * p.icg() + icg, ih, iw), w_at(p, oc, icg, kh, kw));
            }
        }
}

// The same map from the weights' side, for the weight gradient: calls
// visit(x index, y index) for each output (n, oh, ow) whose tap (kh, kw) of
// input channel icg (within oc's group) reads inside the input, in (n, oh, ow) order.
template <class Visit>
void for_each_output_of_tap(const Problem& p, int64_t oc, int64_t icg, int64_t kh, int64_t kw, Visit visit) {
    const int64_t ic = oc / p.ocg() * p.icg() + icg;
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oh = 0; oh < p.oh; ++oh) {
            const int64_t ih = input_row(p, oh, kh);
            if (ih < 0 || ih >= p.ih) continue;
            for (int64_t ow = 0; ow < p.ow; ++ow) {
                const int64_t iw = input_col(p, ow, kw);
                if (iw < 0 || iw >= p.iw) continue;
                visit(x_at(p, n, ic, ih, iw), y_at(p, n, oc, oh, ow));
            }
        }
}

}  // namespace

void reference_fwd(const Problem& p, const double* x, const double* w, const double* b, double* y) {
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oc = 0; oc < p.oc; ++oc)
            for (int64_t oh = 0; oh < p.oh; ++oh)
                for (int64_t ow = 0; ow < p.ow; ++ow) {
                    double sum = b ? b[oc] : 0.0;
                    for_each_tap(p, n, oc, oh, ow, [&](int64_t xi, int64_t wi) { sum += x[xi] * w[wi]; });
                    y[y_at(p, n, oc, oh, ow)] = sum;
                }
}

// Scatters every output gradient back along the same taps the forward pass
// read (for_each_tap).
void reference_bwd_d(const Problem& p, const double* dy, const double* w, double* dx) {
    std::fill(dx, dx + p.x_elems(), 0.0);
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oc = 0; oc < p.oc; ++oc)
            for (int64_t oh = 0; oh < p.oh; ++oh)
                for (int64_t ow = 0; ow < p.ow; ++ow) {
                    const double g = dy[y_at(p, n, oc, oh, ow)];
                    for_each_tap(p, n, oc, oh, ow, [&](int64_t xi, int64_t wi) { dx[xi] += g * w[wi]; });
                }
}

void reference_bwd_w(const Problem& p, const double* x, const double* dy, double* dw, double* db) {
    for (int64_t oc = 0; oc < p.oc; ++oc) {
        for (int64_t icg = 0; icg < p.icg(); ++icg)
            for (int64_t kh = 0; kh < p.kh; ++kh)
                for (int64_t kw = 0; kw < p.kw; ++kw) {
                    double sum = 0.0;
                    for_each_output_of_tap(p, oc, icg, kh, kw,
                                           [&](int64_t xi, int64_t yi) { sum += x[xi] * dy[yi]; });
                    dw[w_at(p, oc, icg, kh, kw)] = sum;
                }
    }
    if (db) reference_bias_gradient(p, dy, db);
}

void reference_bias_gradient(const Problem& p, const double* dy, double* db) {
    for (int64_t oc = 0; oc < p.oc; ++oc) {
        double sum = 0.0;
        for (int64_t n = 0; n < p.mb; ++n)
            for (int64_t o = 0; o < p.oh * p.ow; ++o) sum += dy[y_at(p, n, oc, 0, 0) + o];
        db[oc] = sum;
    }
}

namespace {

// The double copies an fp32 call needs, carved out of the caller's workspace
// (nothing is allocated inside a call). Sizes in elements, in this order.
struct DoubleBuffers {
    int64_t in0 = 0, in1 = 0, out0 = 0, out1 = 0;
    int64_t total() const { return in0 + in1 + out0 + out1; }
};

DoubleBuffers buffers_for(const Problem& p, Direction d) {
    switch (d) {
        case Direction::fwd: return {p.x_elems(), p.w_elems() + p.b_elems(), p.y_elems(), 0};
        case Direction::bwd_d: return {p.y_elems(), p.w_elems(), p.x_elems(), 0};
        case Direction::bwd_w: return {p.x_elems(), p.y_elems(), p.w_elems(), p.b_elems()};
    }
    return {};
}

void widen(const float* from, int64_t count, double* to) { std::copy(from, from + count, to); }
void narrow(const double* from, int64_t count, float* to) {
    for (int64_t i = 0; i < count; ++i) to[i] = static_cast<float>(from[i]);
}

class ReferencePrimitive final : public Primitive {
public:
    ReferencePrimitive(const Problem& p, Direction d, int threads) : Primitive(threads), p_(p), d_(d) {}
    int64_t workspace_bytes() const override { return buffers_for(p_, d_).total() * int64_t(sizeof(double)); }

protected:
    void run(const ConvArgs& a) const override {
        const Problem& p = p_;
        const Direction d = d_;
        const DoubleBuffers sizes = buffers_for(p, d);
        double* in0 = reinterpret_cast<double*>(a.workspace);
        double* in1 = in0 + sizes.in0;
        double* out0 = in1 + sizes.in1;
        double* out1 = out0 + sizes.out0;
        switch (d) {
            case Direction::fwd: {
                widen(a.x, p.x_elems(), in0);
                widen(a.w, p.w_elems(), in1);
                double* bias = a.b ? in1 + p.w_elems() : nullptr;
                if (bias) widen(a.b, p.b_elems(), bias);
                reference_fwd(p, in0, in1, bias, out0);
                narrow(out0, p.y_elems(), a.y);
                break;
            }
            case Direction::bwd_d:
                widen(a.dy, p.y_elems(), in0);
                widen(a.w, p.w_elems(), in1);
                reference_bwd_d(p, in0, in1, out0);
                narrow(out0, p.x_elems(), a.dx);
                break;
            case Direction::bwd_w:
                widen(a.x, p.x_elems(), in0);
                widen(a.dy, p.y_elems(), in1);
                reference_bwd_w(p, in0, in1, out0, a.db ? out1 : nullptr);
                narrow(out0, p.w_elems(), a.dw);
                if (a.db) narrow(out1, p.b_elems(), a.db);
                break;
        }
    }

private:
    Problem p_;
    Direction d_;
};

class Reference final : public Algorithm {
public:
    std::string_view name() const override { return "reference"; }
    std::string_view family() const override { return "reference"; }
    std::string_view description() const override {
        return "direct loops accumulating in double, rounded to fp32 once (the yardstick)";
    }
    // Each output is the double sum rounded to fp32 once: at most half an fp32
    // ulp (2^-24 relative) off the exact value, plus double rounding far below
    // that; 2^-23 of the sum of |terms| bounds it with room to spare.
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 1.0 / (1 << 23)}; }
    Properties properties() const override { return {.baseline = false, .slow = true}; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return prepared<ReferencePrimitive>(p, d, threads);
    }
};

}  // namespace

std::unique_ptr<Algorithm> make_reference() { return std::make_unique<Reference>(); }

}  // namespace convlab
