// Cross-validation of one algorithm against the double-precision reference.
//
// The error measure
// -----------------
// For every element of every output of the direction (y; dx; dw and db):
//
//   abs   = |got - ref|          ref computed in double from the same fp32 inputs
//                                (im2col + dgemm, fast_reference.hpp, itself checked
//                                against the plain loops of reference.hpp)
//   scale = sum of |terms|       the same reference run on |x|, |w|, |dy| (and |b|)
//   rel   = abs / scale          (rel = abs when scale is 0)
//
// Why scale and not |ref|: an output element is a sum of products, and the
// error of any fp32 summation order is bounded by (a small multiple of) the
// unit roundoff times the sum of the |terms|, not times |ref|. When terms
// cancel, |ref| is tiny while the rounding error of a correct algorithm is not,
// so |ref| would fail correct code; sum |terms| is the natural yardstick of
// accumulation error (benchdnn's relative threshold with a safe denominator
// plays the same role). A wrong index, a missed tap or a dropped term produces
// an error of the order of a whole term, i.e. a large rel, whatever the
// cancellation.
//
// Algorithms that mix neighbours (Winograd: every output of a tile comes out
// of one transform of the whole tile) make a rounding error at an element that
// is bounded by the magnitudes of the tile, not of the element's own terms: an
// output whose window lies in the padding (its own sum of |terms| is just the
// bias, or 0) still carries the tile's rounding noise. For them the scale of an
// element is the largest sum of |terms| in its 2-D plane (oh x ow of y and dx,
// kh x kw of dw), which contains any tile. The check is looser for them, the
// price of a transform-domain algorithm; the NaN and mostly-zeros checks and
// the other algorithms' exactness are unaffected.
//
// The criteria, per pass:
//   integer pass (Fill::integers, every partial sum an integer below 2^24):
//     got == ref exactly when contract.exact_on_integers, else rel <= contract.tolerance;
//   real pass (Fill::reals, the case's distribution, uniform in [-1, 1] by
//     default): rel <= contract.tolerance
// (the algorithm's Contract, algorithm.hpp).
//
// Subnormal data (--data denormal) meets fp32's underflow: a product of two
// subnormals is 0 in fp32, and under FTZ every result below 2^-126 is. Below
// an absolute error of 64 * (reduction length + 1) * 2^-126 (underflow_floor)
// no check can tell a right answer from a wrong one, so such an element
// passes, and a reference no larger than it does not count as nonzero in the
// mostly-zeros test. The floor is below 1e-30 on every bundled layer, far
// under any error a wrong index or a dropped term makes. Under --ftz on the
// reference reads subnormal inputs as zero, as DAZ makes the hardware read them.
// In both passes, NaN or Inf where the reference is finite fails (outputs are
// poisoned with NaN, so this is an element never written), and so does an
// output that is "mostly zeros": more than half of the elements whose
// reference is nonzero are exactly 0 (an algorithm that writes zeros, or
// returns early, must not pass on data whose outputs happen to be small).
//
// The reference is computed once per (problem, direction, seed) and reused
// across algorithms: `validate` checks every algorithm on a problem in a row.
#include "harness/verify/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "algorithms/reference/fast_reference.hpp"
#include "harness/verify/layout_tensors.hpp"

namespace convlab {

std::string_view to_string(Status s) {
    switch (s) {
        case Status::passed: return "PASSED";
        case Status::failed: return "FAILED";
        case Status::skipped: return "SKIPPED";
        case Status::unsupported: return "UNSUPPORTED";
    }
    return "?";
}

ConvArgs bind(ConvTensors& t, Direction d) {
    ConvArgs args;
    switch (d) {
        case Direction::fwd:
            args.x = t.x.data(), args.w = t.w.data(), args.b = t.b.size() ? t.b.data() : nullptr, args.y = t.y.data();
            break;
        case Direction::bwd_d: args.dy = t.dy.data(), args.w = t.w.data(), args.dx = t.dx.data(); break;
        case Direction::bwd_w:
            args.x = t.x.data(), args.dy = t.dy.data(), args.dw = t.dw.data();
            args.db = t.db.size() ? t.db.data() : nullptr;
            break;
    }
    return args;
}

std::vector<NamedOutput> outputs_of(Direction d, ConvTensors& t) {
    switch (d) {
        case Direction::fwd: return {{"y", &t.y}};
        case Direction::bwd_d: return {{"dx", &t.dx}};
        case Direction::bwd_w: return {{"dw", &t.dw}, {"db", &t.db}};
    }
    return {};
}

void run_primitive(const Primitive& primitive, Direction d, ConvTensors& t) {
    constexpr float poison = std::numeric_limits<float>::quiet_NaN();
    for (const NamedOutput& out : outputs_of(d, t)) out.tensor->fill(poison);
    ConvArgs args = bind(t, d);
    // The workspace is poisoned too: the benchmark reuses one workspace across
    // calls, so an algorithm must not rely on it starting out zeroed.
    const int64_t bytes = primitive.workspace_bytes();
    const int64_t floats = (bytes + int64_t(sizeof(float)) - 1) / int64_t(sizeof(float));
    auto workspace = aligned_floats(floats);
    std::fill(workspace.get(), workspace.get() + floats, poison);
    args.workspace = bytes > 0 ? reinterpret_cast<std::byte*>(workspace.get()) : nullptr;
    primitive.execute_staged(args);
}

namespace {

// With `flush`, subnormal values read as zero, as the hardware reads them under DAZ.
std::vector<double> to_double(const Tensor& t, bool absolute, bool flush) {
    std::vector<double> v(size_t(t.size()));
    for (int64_t i = 0; i < t.size(); ++i) {
        const double value = flush && std::fabs(t[i]) < std::numeric_limits<float>::min() ? 0.0 : double(t[i]);
        v[size_t(i)] = absolute ? std::fabs(value) : value;
    }
    return v;
}

// Expected values and scales of each output of a direction, in the order
// y | dx | dw, db.
struct Expected {
    std::vector<std::vector<double>> ref, scale;
};

Expected reference_outputs(const Problem& p, Direction d, const ConvTensors& t, bool flush) {
    Expected e;
    for (bool absolute : {false, true}) {
        auto& out = absolute ? e.scale : e.ref;
        switch (d) {
            case Direction::fwd: {
                auto x = to_double(t.x, absolute, flush), w = to_double(t.w, absolute, flush), b = to_double(t.b, absolute, flush);
                out.emplace_back(size_t(p.y_elems()));
                fast_reference_fwd(p, x.data(), w.data(), b.data(), out[0].data());
                break;
            }
            case Direction::bwd_d: {
                auto dy = to_double(t.dy, absolute, flush), w = to_double(t.w, absolute, flush);
                out.emplace_back(size_t(p.x_elems()));
                fast_reference_bwd_d(p, dy.data(), w.data(), out[0].data());
                break;
            }
            case Direction::bwd_w: {
                auto x = to_double(t.x, absolute, flush), dy = to_double(t.dy, absolute, flush);
                out.emplace_back(size_t(p.w_elems()));
                out.emplace_back(size_t(p.b_elems()));
                fast_reference_bwd_w(p, x.data(), dy.data(), out[0].data(), out[1].data());
                break;
            }
        }
    }
    return e;
}

// One cached reference per fill: validate runs many algorithms on one problem.
struct CacheKey {
    Problem p;
    Direction d;
    Fill fill;
    uint64_t seed;
    DataConditions conditions;
    bool operator==(const CacheKey&) const = default;
};

std::shared_ptr<const Expected> cached_reference(const CacheKey& key, const ConvTensors& t) {
    static std::mutex mutex;
    static std::optional<std::pair<CacheKey, std::shared_ptr<const Expected>>> cache[2];
    std::lock_guard lock(mutex);
    auto& slot = cache[key.fill == Fill::integers ? 0 : 1];
    if (!slot || !(slot->first == key)) {
        slot.reset();  // free the old one before computing the new one
        slot.emplace(key, std::make_shared<const Expected>(
            reference_outputs(key.p, key.d, t, key.conditions.flush_denormals)));
    }
    return slot->second;
}

std::string element_name(const std::string& tensor, const std::vector<int64_t>& dims, int64_t flat) {
    std::vector<int64_t> index(dims.size());
    for (size_t k = dims.size(); k-- > 0;) index[k] = flat % dims[k], flat /= dims[k];
    return fmt::format("{}[{}]", tensor, fmt::join(index, ","));
}

// What one pass over one output found.
struct Comparison {
    int64_t worst = -1;  // flat index of the largest rel error
    double worst_rel = -1, max_abs = 0, max_rel = 0;
    int64_t nonfinite = 0, zeros_where_ref_nonzero = 0, ref_nonzero = 0, over_criterion = 0;
};

// Each element's scale replaced by the largest of its 2-D plane (the last two
// dimensions; a 1-D tensor is its own plane per element).
std::vector<double> plane_maximum(const std::vector<double>& scale, const std::vector<int64_t>& dims) {
    const int64_t plane = dims.size() >= 2 ? dims[dims.size() - 1] * dims[dims.size() - 2] : 1;
    std::vector<double> out(scale.size());
    for (size_t start = 0; start < scale.size(); start += size_t(plane)) {
        const auto first = scale.begin() + std::ptrdiff_t(start), last = first + plane;
        std::fill(out.begin() + std::ptrdiff_t(start), out.begin() + std::ptrdiff_t(start) + plane,
                  *std::max_element(first, last));
    }
    return out;
}

Comparison compare(const Tensor& got, const std::vector<double>& ref, const std::vector<double>& scale, bool exact,
                   double tolerance, double underflow_floor) {
    Comparison c;
    for (int64_t i = 0; i < got.size(); ++i) {
        const double g = got[i], r = ref[size_t(i)], s = scale[size_t(i)];
        double abs = std::fabs(g - r), rel = s > 0 ? abs / s : abs;
        if (!std::isfinite(g) && std::isfinite(r)) {
            ++c.nonfinite;
            abs = rel = std::numeric_limits<double>::infinity();
        }
        if (std::fabs(r) > underflow_floor) {
            ++c.ref_nonzero;
            if (g == 0) ++c.zeros_where_ref_nonzero;
        }
        if (exact ? g != r : !(rel <= tolerance || abs <= underflow_floor)) ++c.over_criterion;
        if (rel > c.worst_rel) c.worst_rel = rel, c.worst = i;
        c.max_abs = std::max(c.max_abs, abs);
        c.max_rel = std::max(c.max_rel, rel);
    }
    return c;
}

// Why a pass failed, or empty.
std::string failure(const std::string& pass, const std::string& tensor, const Comparison& c, int64_t size, bool exact,
                    double tolerance) {
    if (c.nonfinite > 0)
        return fmt::format("{} pass: {} of {} elements of {} are NaN or Inf (never written?)", pass, c.nonfinite, size,
                           tensor);
    if (2 * c.zeros_where_ref_nonzero > c.ref_nonzero)
        return fmt::format("{} pass: {} is mostly zeros ({} of the {} elements whose reference is nonzero are 0)",
                           pass, tensor, c.zeros_where_ref_nonzero, c.ref_nonzero);
    if (c.over_criterion > 0 && exact)
        return fmt::format("{} pass: {} of {} elements of {} differ from the exact reference", pass, c.over_criterion,
                           size, tensor);
    if (c.over_criterion > 0)
        return fmt::format("{} pass: {} of {} elements of {} exceed tolerance {:g} (max rel err {:.3g})", pass,
                           c.over_criterion, size, tensor, tolerance, c.max_rel);
    return {};
}

}  // namespace

double underflow_floor(const Problem& p, Direction d) {
    const int64_t operations = integer_fill(p, d).reduction_length + 1;
    return 64.0 * double(operations) * double(std::numeric_limits<float>::min());
}

Verdict check_outputs(const Problem& p, Direction d, uint64_t seed, const Contract& contract,
                      const std::function<void(ConvTensors&)>& run, Layout layout,
                      const DataConditions& conditions) {
    const bool canonical = layout == Layout{};
    const std::vector<TensorLayout> laid_out = output_layouts(p, d, layout);
    const double fp32_underflow = underflow_floor(p, d);
    Verdict verdict;
    double worst_rel = -1;
    for (Fill fill : {Fill::integers, Fill::reals}) {
        const std::string pass = fill == Fill::integers ? "integer" : "real";
        const bool exact = fill == Fill::integers && contract.exact_on_integers;
        const double tolerance = contract.tolerance;
        // The integer pass is the same under every condition: integers are never subnormal.
        const DataConditions pass_conditions = fill == Fill::reals ? conditions : DataConditions{};
        ConvTensors t = make_tensors(p, d, fill, seed, pass_conditions.data);
        const auto reference = cached_reference({p, d, fill, seed, pass_conditions}, t);
        if (!canonical) t = in_layout(t, d, layout);
        run(t);
        const auto outputs = outputs_of(d, t);
        for (size_t k = 0; k < outputs.size(); ++k) {
            const Tensor& got = *outputs[k].tensor;
            // Planes are taken in the canonical order, where they are contiguous,
            // then the expected values follow the output into the case's layout.
            const std::vector<double>& canonical_ref = reference->ref[k];
            const std::vector<double> plane_scale =
                contract.mixes_neighbours ? plane_maximum(reference->scale[k], laid_out[k].canonical_dims)
                                          : std::vector<double>();
            const std::vector<double>& canonical_scale = contract.mixes_neighbours ? plane_scale : reference->scale[k];
            const std::vector<double> laid_ref = canonical ? std::vector<double>() : expected_in_layout(canonical_ref, laid_out[k]);
            const std::vector<double> laid_scale =
                canonical ? std::vector<double>() : expected_in_layout(canonical_scale, laid_out[k]);
            const std::vector<double>& ref = canonical ? canonical_ref : laid_ref;
            const std::vector<double>& scale = canonical ? canonical_scale : laid_scale;
            const Comparison c = compare(got, ref, scale, exact, tolerance, fp32_underflow);
            verdict.max_abs_err = std::max(verdict.max_abs_err, c.max_abs);
            verdict.max_rel_err = std::max(verdict.max_rel_err, c.max_rel);
            if (fill == Fill::reals) verdict.max_rel_err_real = std::max(verdict.max_rel_err_real, c.max_rel);
            const std::string why = failure(pass, outputs[k].name, c, got.size(), exact, tolerance);
            // The worst element shown is the failing pass's (the first failure
            // found), else the largest rel error anywhere.
            const bool first_failure = !why.empty() && verdict.status != Status::failed;
            if (c.worst >= 0 && (first_failure || (verdict.status != Status::failed && c.worst_rel > worst_rel))) {
                worst_rel = c.worst_rel;
                verdict.worst = fmt::format("{} got {} expected {}", element_name(outputs[k].name, got.dims(), c.worst),
                                            got[c.worst], ref[size_t(c.worst)]);
            }
            if (first_failure) verdict.status = Status::failed, verdict.reason = why;
        }
    }
    return verdict;
}

Verdict check(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed, int threads, Layout layout,
              const DataConditions& conditions) {
    const Prepared prepared = algorithm.prepare_in(p, d, threads, layout);
    if (!prepared) {
        Verdict verdict;
        verdict.status = Status::skipped;
        verdict.reason = prepared.decline_reason;
        return verdict;
    }
    return check(*prepared.primitive, algorithm.contract(), p, d, seed, layout, conditions);
}

Verdict check(const Primitive& primitive, const Contract& contract, const Problem& p, Direction d, uint64_t seed,
              Layout layout, const DataConditions& conditions) {
    return check_outputs(
        p, d, seed, contract, [&](ConvTensors& t) { run_primitive(primitive, d, t); }, layout, conditions);
}

}  // namespace convlab
