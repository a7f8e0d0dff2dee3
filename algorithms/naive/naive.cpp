// The naive algorithm: the seven nested loops in fp32, single-threaded, every
// feature (groups, stride, dilation, any padding), all three directions. The
// baseline every faster algorithm is measured against; deliberately simple.
//
// Unlike the reference it accumulates in float and computes backward-data by
// gathering (each dx element sums the outputs whose windows read it) rather
// than scattering, so it is a second, independently written index map.
#include <cstdint>
#include <string>

#include "algorithms/algorithm.hpp"

namespace convlab {

namespace {

void naive_fwd(const Problem& p, const float* x, const float* w, const float* b, float* y) {
    const int64_t icg_count = p.icg(), ocg_count = p.ocg();
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t oc = 0; oc < p.oc; ++oc)
            for (int64_t oh = 0; oh < p.oh; ++oh)
                for (int64_t ow = 0; ow < p.ow; ++ow) {
                    float sum = b ? b[oc] : 0.0f;
                    const int64_t ic0 = oc / ocg_count * icg_count;  // first input channel of the group
                    for (int64_t icg = 0; icg < icg_count; ++icg)
                        for (int64_t kh = 0; kh < p.kh; ++kh)
                            for (int64_t kw = 0; kw < p.kw; ++kw) {
                                const int64_t ih = oh * p.sh - p.ph + kh * (p.dh + 1);
                                const int64_t iw = ow * p.sw - p.pw + kw * (p.dw + 1);
                                if (ih < 0 || ih >= p.ih || iw < 0 || iw >= p.iw) continue;
                                sum += x[((n * p.ic + ic0 + icg) * p.ih + ih) * p.iw + iw]
                                     * w[((oc * icg_count + icg) * p.kh + kh) * p.kw + kw];
                            }
                    y[((n * p.oc + oc) * p.oh + oh) * p.ow + ow] = sum;
                }
}

// Output index along one axis whose window reads input index `i` at tap `k`,
// or -1 when none does (between strides, or outside the output).
int64_t output_reading(int64_t i, int64_t k, int64_t stride, int64_t pad, int64_t dilation, int64_t out_size) {
    const int64_t shifted = i + pad - k * (dilation + 1);
    if (shifted < 0 || shifted % stride != 0) return -1;
    const int64_t o = shifted / stride;
    return o < out_size ? o : -1;
}

void naive_bwd_d(const Problem& p, const float* dy, const float* w, float* dx) {
    const int64_t icg_count = p.icg(), ocg_count = p.ocg();
    for (int64_t n = 0; n < p.mb; ++n)
        for (int64_t ic = 0; ic < p.ic; ++ic)
            for (int64_t ih = 0; ih < p.ih; ++ih)
                for (int64_t iw = 0; iw < p.iw; ++iw) {
                    float sum = 0.0f;
                    const int64_t oc0 = ic / icg_count * ocg_count;  // first output channel of the group
                    const int64_t icg = ic % icg_count;
                    for (int64_t ocg = 0; ocg < ocg_count; ++ocg)
                        for (int64_t kh = 0; kh < p.kh; ++kh)
                            for (int64_t kw = 0; kw < p.kw; ++kw) {
                                const int64_t oh = output_reading(ih, kh, p.sh, p.ph, p.dh, p.oh);
                                const int64_t ow = output_reading(iw, kw, p.sw, p.pw, p.dw, p.ow);
                                if (oh < 0 || ow < 0) continue;
                                const int64_t oc = oc0 + ocg;
                                sum += dy[((n * p.oc + oc) * p.oh + oh) * p.ow + ow]
                                     * w[((oc * icg_count + icg) * p.kh + kh) * p.kw + kw];
                            }
                    dx[((n * p.ic + ic) * p.ih + ih) * p.iw + iw] = sum;
                }
}

void naive_bwd_w(const Problem& p, const float* x, const float* dy, float* dw, float* db) {
    const int64_t icg_count = p.icg(), ocg_count = p.ocg();
    for (int64_t oc = 0; oc < p.oc; ++oc)
        for (int64_t icg = 0; icg < icg_count; ++icg)
            for (int64_t kh = 0; kh < p.kh; ++kh)
                for (int64_t kw = 0; kw < p.kw; ++kw) {
                    float sum = 0.0f;
                    const int64_t ic = oc / ocg_count * icg_count + icg;
                    for (int64_t n = 0; n < p.mb; ++n)
                        for (int64_t oh = 0; oh < p.oh; ++oh)
                            for (int64_t ow = 0; ow < p.ow; ++ow) {
                                const int64_t ih = oh * p.sh - p.ph + kh * (p.dh + 1);
                                const int64_t iw = ow * p.sw - p.pw + kw * (p.dw + 1);
                                if (ih < 0 || ih >= p.ih || iw < 0 || iw >= p.iw) continue;
                                sum += x[((n * p.ic + ic) * p.ih + ih) * p.iw + iw]
                                     * dy[((n * p.oc + oc) * p.oh + oh) * p.ow + ow];
                            }
                    dw[((oc * icg_count + icg) * p.kh + kh) * p.kw + kw] = sum;
                }
    if (!db) return;
    for (int64_t oc = 0; oc < p.oc; ++oc) {
        float sum = 0.0f;
        for (int64_t n = 0; n < p.mb; ++n)
            for (int64_t o = 0; o < p.oh * p.ow; ++o) sum += dy[(n * p.oc + oc) * p.oh * p.ow + o];
        db[oc] = sum;
    }
}

class NaivePrimitive final : public Primitive {
public:
    NaivePrimitive(const Problem& p, Direction d) : Primitive(1), p_(p), d_(d) {}

protected:
    void run(const ConvArgs& a) const override {
        switch (d_) {
            case Direction::fwd: naive_fwd(p_, a.x, a.w, a.b, a.y); break;
            case Direction::bwd_d: naive_bwd_d(p_, a.dy, a.w, a.dx); break;
            case Direction::bwd_w: naive_bwd_w(p_, a.x, a.dy, a.dw, a.db); break;
        }
    }

private:
    Problem p_;
    Direction d_;
};

class Naive final : public Algorithm {
public:
    std::string_view name() const override { return "naive"; }
    std::string_view family() const override { return "direct"; }
    std::string_view description() const override {
        return "the seven nested loops in fp32, single-threaded (backward-data by gathering)";
    }
    // Plain fp32 accumulation: measured at most 3e-7 of the sum of |terms| on
    // resnet-sized layers (reductions of 576 to 6272 terms); 1e-5 leaves room
    // for much longer reductions.
    Contract contract() const override { return {.exact_on_integers = true, .tolerance = 1e-5}; }
    Properties properties() const override { return {.baseline = false, .slow = true}; }
    // Single-threaded whatever it is asked: the loops are the textbook's.
    Prepared prepare(const Problem& p, Direction d, int) const override { return prepared<NaivePrimitive>(p, d); }
};

}  // namespace

std::unique_ptr<Algorithm> make_naive() { return std::make_unique<Naive>(); }

}  // namespace convlab
