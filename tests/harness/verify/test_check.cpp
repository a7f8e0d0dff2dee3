// The checker: deliberately broken algorithms must fail and be named precisely;
// the reference passes; the integer fill keeps every sum exact in fp32.
#include "harness/verify/check.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "algorithms/registry.hpp"
#include "harness/run/selection.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

// A primitive that runs the reference's and then damages its first output
// (y, dx or dw) through `damage`.
template <class Damage>
class BrokenPrimitive final : public Primitive {
public:
    BrokenPrimitive(const Problem& p, Direction d, Damage damage)
        : Primitive(1), p_(p), d_(d), reference_(reference_algorithm().prepare(p, d, 1).primitive), damage_(damage) {}
    int64_t workspace_bytes() const override { return reference_->workspace_bytes(); }

protected:
    void run(const ConvArgs& args) const override {
        float* out = d_ == Direction::fwd ? args.y : d_ == Direction::bwd_d ? args.dx : args.dw;
        int64_t n = d_ == Direction::fwd ? p_.y_elems() : d_ == Direction::bwd_d ? p_.x_elems() : p_.w_elems();
        // The last element as it was before the call (NaN-poisoned by the checker).
        const float last_before = out[n - 1];
        reference_->execute(args);
        damage_(out, n, last_before);
    }

private:
    Problem p_;
    Direction d_;
    std::unique_ptr<Primitive> reference_;
    Damage damage_;
};

template <class Damage>
class Broken final : public Algorithm {
public:
    Broken(Damage damage, bool exact = true, bool mixes = false) : damage_(damage), exact_(exact), mixes_(mixes) {}
    std::string_view name() const override { return "broken"; }
    std::string_view family() const override { return "test"; }
    std::string_view description() const override { return "the reference, damaged"; }
    Contract contract() const override { return {.exact_on_integers = exact_, .tolerance = 1e-5, .mixes_neighbours = mixes_}; }
    Prepared prepare(const Problem& p, Direction d, int) const override {
        return prepared<BrokenPrimitive<Damage>>(p, d, damage_);
    }

private:
    Damage damage_;
    bool exact_, mixes_;
};

class Declines final : public Algorithm {
public:
    std::string_view name() const override { return "declines"; }
    std::string_view family() const override { return "test"; }
    std::string_view description() const override { return "never runs"; }
    Prepared prepare(const Problem&, Direction, int) const override { return declined(name(), "never runs"); }
};

const Problem small = Problem::parse("mb2ic4ih6oc6kh3ph1");  // y, dx: [2,6|4,6,6]; dw: [6,4,3,3]

int64_t flat(const std::vector<int64_t>& dims, const std::vector<int64_t>& index) {
    int64_t f = 0;
    for (size_t k = 0; k < dims.size(); ++k) f = f * dims[k] + index[k];
    return f;
}

}  // namespace

TEST_CASE("the reference algorithm passes its own check", "[check]") {
    for (const char* desc : {"mb2ic4ih6oc6kh3ph1", "g2mb2ic4ih7iw9oc6kh3kw2sh2sw3ph1pw0dh1", "mb1ic3ih5oc2kh1"}) {
        for (Direction d : all_directions) {
            const Verdict v = check(reference_algorithm(), Problem::parse(desc), d);
            INFO(desc << " " << to_string(d) << ": " << v.reason << " " << v.worst);
            CHECK(v.status == Status::passed);
            CHECK(v.max_rel_err <= 1e-7);  // only the final rounding of double sums to fp32
        }
    }
}

TEST_CASE("an algorithm that never writes its last output element fails, naming it", "[check]") {
    Broken skips_last([](float* out, int64_t n, float before) { out[n - 1] = before; });
    const Verdict fwd = check(skips_last, small, Direction::fwd);
    CHECK(fwd.status == Status::failed);
    CHECK(fwd.reason.find("NaN") != std::string::npos);
    CHECK(fwd.worst.rfind("y[1,5,5,5] got nan expected ", 0) == 0);
    CHECK(std::isinf(fwd.max_abs_err));

    const Verdict bwd_d = check(skips_last, small, Direction::bwd_d);
    CHECK(bwd_d.status == Status::failed);
    CHECK(bwd_d.worst.rfind("dx[1,3,5,5] got nan", 0) == 0);

    const Verdict bwd_w = check(skips_last, small, Direction::bwd_w);
    CHECK(bwd_w.status == Status::failed);
    CHECK(bwd_w.worst.rfind("dw[5,3,2,2] got nan", 0) == 0);
}

TEST_CASE("one element off by one ulp fails the exact integer pass, naming that element", "[check]") {
    const std::vector<int64_t> index = {1, 2, 3, 4};
    const int64_t target = flat(small.y_dims(), index);
    Broken one_ulp([target](float* out, int64_t, float) {
        out[target] = std::nextafter(out[target], std::numeric_limits<float>::infinity());
    });
    const Verdict v = check(one_ulp, small, Direction::fwd);
    CHECK(v.status == Status::failed);
    CHECK(v.reason.find("integer pass") != std::string::npos);
    CHECK(v.reason.find("1 of 432 elements of y differ") != std::string::npos);
    CHECK(v.worst.rfind("y[1,2,3,4] got ", 0) == 0);
    CHECK(v.max_rel_err > 0);
    CHECK(v.max_rel_err < 1e-6);

    SECTION("but is within tolerance for an algorithm that does not claim exactness") {
        Broken inexact([target](float* out, int64_t, float) {
            out[target] = std::nextafter(out[target], std::numeric_limits<float>::infinity());
        }, false);
        const Verdict w = check(inexact, small, Direction::fwd);
        CHECK(w.status == Status::passed);
        CHECK(w.max_rel_err > 0);
    }
}

TEST_CASE("an element off by a whole term fails the real pass's tolerance too", "[check]") {
    Broken off([](float* out, int64_t n, float) { out[n / 2] += 0.25f; }, false);
    const Verdict v = check(off, small, Direction::bwd_d);
    CHECK(v.status == Status::failed);
    CHECK(v.reason.find("exceed tolerance") != std::string::npos);
}

TEST_CASE("an algorithm that mixes neighbours is judged on the scale of the element's plane", "[check]") {
    // The last output column lies wholly in the right padding (iw7, ow8, kw3,
    // pw0): its own sum of |terms| is the bias alone, while a Winograd tile
    // around it carries the rounding noise of its neighbours' terms.
    const Problem p = Problem::parse("mb1ic16ih8oc2kh3ph1iw7ow8kw3pw0");
    REQUIRE(p.pw_right() == 3);
    const int64_t target = flat(p.y_dims(), {0, 1, 5, 7});
    auto noise = [target](float* out, int64_t, float) { out[target] += 1e-4f; };
    const Verdict element_wise = check(Broken(noise, false, false), p, Direction::fwd);
    CHECK(element_wise.status == Status::failed);
    CHECK(element_wise.worst.rfind("y[0,1,5,7] got ", 0) == 0);
    const Verdict plane_wise = check(Broken(noise, false, true), p, Direction::fwd);
    INFO(plane_wise.reason << " " << plane_wise.worst);
    CHECK(plane_wise.status == Status::passed);
    CHECK(plane_wise.max_rel_err > 0);
}

TEST_CASE("an algorithm that writes zeros fails as mostly zeros", "[check]") {
    Broken zeros([](float* out, int64_t n, float) { std::fill(out, out + n, 0.0f); });
    for (Direction d : all_directions) {
        const Verdict v = check(zeros, small, d);
        INFO(to_string(d) << ": " << v.reason);
        CHECK(v.status == Status::failed);
        CHECK(v.reason.find("mostly zeros") != std::string::npos);
        CHECK(v.worst.find(" got 0 expected ") != std::string::npos);
    }
}

TEST_CASE("a declined problem is skipped with the algorithm's reason", "[check]") {
    const Verdict v = check(Declines(), small, Direction::fwd);
    CHECK(v.status == Status::skipped);
    CHECK(v.reason == "declines: never runs");
    CHECK(to_string(v.status) == "SKIPPED");
}

TEST_CASE("integer fill keeps every sum of a big ResNet-50 layer below 2^24", "[check][fill]") {
    // conv1 at minibatch 256 (the longest bwd_w reduction: 256*112*112 terms)
    // and the widest 3x3 and 1x1 layers.
    for (const char* desc : {"mb256ic3ih224oc64oh112kh7sh2ph3", "mb256ic512ih7oc512oh7kh3ph1",
                             "mb256ic2048ih7oc512oh7kh1", "mb256ic512ih7oc2048oh7kh1"}) {
        const Problem p = Problem::parse(desc);
        const int64_t lengths[] = {p.ic / p.g * p.kh * p.kw, p.oc / p.g * p.kh * p.kw, p.mb * p.oh * p.ow};
        for (Direction d : all_directions) {
            const IntegerFill f = integer_fill(p, d);
            INFO(desc << " " << to_string(d));
            REQUIRE(f.reduction_length == lengths[int(d)]);
            // At most ceil(L / period) nonzero products of at most magnitude^2, plus a bias.
            const int64_t nonzero_terms = (f.reduction_length + f.period - 1) / f.period;
            const int64_t bound = f.magnitude * f.magnitude * nonzero_terms + f.magnitude;
            CHECK(bound < (int64_t(1) << 24));
            CHECK(f.magnitude >= 2);          // not a fill of zeros and ones
            CHECK(nonzero_terms >= std::min<int64_t>(f.reduction_length, 1000));  // outputs not mostly zero
        }
    }
}

TEST_CASE("integer fill obeys its stated magnitude and sparsity", "[check][fill]") {
    struct Case {
        const char* desc;
        Direction d;
    };
    // Reductions longer than the budget, so the sparse operand's period is > 1.
    for (Case c : {Case{"mb1ic8192ih3oc2kh3", Direction::fwd}, Case{"mb1ic2ih3oc8192kh3", Direction::bwd_d},
                   Case{"mb8ic1ih100oc2kh1", Direction::bwd_w}}) {
        const Problem p = Problem::parse(c.desc);
        const IntegerFill f = integer_fill(p, c.d);
        INFO(c.desc);
        REQUIRE(f.period > 1);
        const ConvTensors t = make_tensors(p, c.d, Fill::integers, 7);
        const Tensor& sparse = c.d == Direction::bwd_w ? t.dy : t.w;
        // Nonzeros per reduction: w per oc (fwd), w per input channel (bwd_d), dy per oc (bwd_w).
        std::vector<int64_t> nonzeros(size_t(c.d == Direction::bwd_d ? p.icg() : p.oc), 0);
        for (int64_t i = 0; i < sparse.size(); ++i) {
            const float v = sparse[i];
            REQUIRE(v == std::round(v));
            REQUIRE(std::fabs(v) <= f.magnitude);
            if (v == 0) continue;
            if (c.d == Direction::fwd) ++nonzeros[size_t(i / (p.icg() * p.kh * p.kw))];
            if (c.d == Direction::bwd_d) ++nonzeros[size_t(i / (p.kh * p.kw) % p.icg())];
            if (c.d == Direction::bwd_w) ++nonzeros[size_t(i / (p.oh * p.ow) % p.oc)];
        }
        for (int64_t n : nonzeros) {
            CHECK(n <= f.max_nonzero_terms());
            CHECK(n >= f.max_nonzero_terms() / 2);  // about 8/9 of the allowed slots are nonzero
        }
    }
}

TEST_CASE("fills are deterministic and depend on the seed", "[check][fill]") {
    const Problem p = Problem::parse("mb2ic3ih5oc4kh3");
    for (Fill fill : {Fill::integers, Fill::reals}) {
        const ConvTensors a = make_tensors(p, Direction::fwd, fill, 42);
        const ConvTensors b = make_tensors(p, Direction::fwd, fill, 42);
        const ConvTensors c = make_tensors(p, Direction::fwd, fill, 43);
        REQUIRE(a.x.size() == p.x_elems());
        REQUIRE(a.y.size() == p.y_elems());
        CHECK(std::equal(a.x.data(), a.x.data() + a.x.size(), b.x.data()));
        CHECK(std::equal(a.w.data(), a.w.data() + a.w.size(), b.w.data()));
        CHECK(!std::equal(a.x.data(), a.x.data() + a.x.size(), c.x.data()));
        // x and w come from different streams.
        CHECK(!std::equal(a.w.data(), a.w.data() + a.w.size(), a.x.data()));
        for (int64_t i = 0; i < a.x.size(); ++i) REQUIRE(std::fabs(a.x[i]) <= (fill == Fill::reals ? 1.0f : 4.0f));
    }
}

TEST_CASE("subnormal data: fp32 underflow is not held against a correct algorithm, a wrong one still fails",
          "[check][data]") {
    // With one output channel every dx element is one product dy * w, and a
    // quarter of them are products of two subnormals: 0 in fp32, ~1e-80 in
    // the double reference. Without the underflow floor this fails a correct
    // algorithm with rel = 1 (it did when the floor was set to 0).
    const Problem one_term = Problem::parse("mb2ic8ih9oc1kh1");  // dx: one term dy * w
    const Problem conv = Problem::parse("mb2ic8ih7oc8kh3ph1");
    for (bool flush : {false, true}) {
        const DataConditions conditions{{Distribution::denormal, 0.5}, flush};
        INFO("ftz " << flush);
        for (Direction d : all_directions) {
            INFO(to_string(d));
            const Verdict one = check(algorithm_named("im2col_gemm"), one_term, d, 1, 1, {}, conditions);
            CHECK(one.status == Status::passed);
            CHECK(check(algorithm_named("im2col_gemm"), conv, d, 1, 1, {}, conditions).status == Status::passed);
            auto off_by_a_term = [](float* out, int64_t n, float) { out[n / 2] += 0.01f; };
            const Verdict wrong = check(Broken<decltype(off_by_a_term)>(off_by_a_term, false), conv, d, 1, 1, {}, conditions);
            CHECK(wrong.status == Status::failed);
        }
    }
    CHECK(underflow_floor(Problem::parse("mb8ic512ih7oc512kh3ph1"), Direction::bwd_w) < 1e-30);
}
