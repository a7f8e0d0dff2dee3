// The checker in a case's layout (harness/verify/layout_tensors.hpp): an
// algorithm that runs correctly in the layout passes, one that reads its
// tensors in the wrong order fails with the index named in the layout, and
// an algorithm asked for a layout it does not list declines with the reason.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "harness/verify/layout_tensors.hpp"

using namespace convlab;

namespace {

const Algorithm& naive() { return *find_algorithm("naive"); }

// naive's canonical primitive around permutations: what an algorithm that
// truly runs in `layout` computes (converted = true), or naive's canonical
// primitive handed the laid-out tensors as they are (converted = false).
class Wrapped final : public Primitive {
public:
    Wrapped(std::unique_ptr<Primitive> inner, const Problem& p, Direction d, Layout layout, bool converted)
        : Primitive(inner->threads()), inner_(std::move(inner)), p_(p), d_(d), layout_(layout), converted_(converted) {}

protected:
    void run(const ConvArgs& a) const override {
        if (!converted_) return inner_->execute_staged(a);
        const AxisOrder act = axis_order(layout_.activations), wei = axis_order(layout_.weights);
        auto canon = [](const float* laid, const std::vector<int64_t>& dims, const AxisOrder& order) {
            Tensor t(dims);
            if (laid) from_layout(laid, dims, order, t.data());
            return t;
        };
        Tensor x = canon(a.x, p_.x_dims(), act), w = canon(a.w, p_.w_dims(), wei), dy = canon(a.dy, p_.y_dims(), act);
        Tensor y(p_.y_dims()), dx(p_.x_dims()), dw(p_.w_dims());
        ConvArgs c = a;
        c.x = a.x ? x.data() : nullptr, c.w = a.w ? w.data() : nullptr, c.dy = a.dy ? dy.data() : nullptr;
        c.y = y.data(), c.dx = dx.data(), c.dw = dw.data();
        inner_->execute_staged(c);
        if (d_ == Direction::fwd) to_layout(y.data(), p_.y_dims(), act, a.y);
        if (d_ == Direction::bwd_d) to_layout(dx.data(), p_.x_dims(), act, a.dx);
        if (d_ == Direction::bwd_w) to_layout(dw.data(), p_.w_dims(), wei, a.dw);
    }

private:
    std::unique_ptr<Primitive> inner_;
    Problem p_;
    Direction d_;
    Layout layout_;
    bool converted_;
};

Verdict check_wrapped(const Problem& p, Direction d, Layout layout, bool converted) {
    Prepared inner = naive().prepare(p, d, 1);
    REQUIRE(inner);
    Wrapped wrapped(std::move(inner.primitive), p, d, layout, converted);
    return check(wrapped, naive().contract(), p, d, 1, layout);
}

}  // namespace

TEST_CASE("in_layout permutes the inputs and lays out the outputs in the case's order", "[check_layouts]") {
    const Problem p = Problem::parse("g2mb2ic4ih5iw6oc6oh5ow6kh3kw3ph1pw1");
    const Layout layout = parse_layout("t", "nhwc:iohw");
    const ConvTensors canonical = make_tensors(p, Direction::fwd, Fill::reals, 3);
    const ConvTensors t = in_layout(canonical, Direction::fwd, layout);
    CHECK(t.x.dims() == std::vector<int64_t>{2, 5, 6, 4});
    CHECK(t.w.dims() == std::vector<int64_t>{2, 6, 3, 3});
    CHECK(t.y.dims() == std::vector<int64_t>{2, 5, 6, 6});
    // x (n=1, c=3, h=4, w=2) is at ((1 * 5 + 4) * 6 + 2) * 4 + 3 in NHWC.
    CHECK(t.x[((1 * 5 + 4) * 6 + 2) * 4 + 3] == canonical.x[((1 * 4 + 3) * 5 + 4) * 6 + 2]);
    // w (o=5, i=1, h=2, w=0) is at ((1 * 6 + 5) * 3 + 2) * 3 + 0 in IOHW.
    CHECK(t.w[((1 * 6 + 5) * 3 + 2) * 3] == canonical.w[((5 * 2 + 1) * 3 + 2) * 3]);
    CHECK(t.b.size() == canonical.b.size());
    const auto outs = output_layouts(p, Direction::bwd_w, layout);
    REQUIRE(outs.size() == 2);
    CHECK(outs[0].order == axis_order(WeightLayout::iohw));
    CHECK(!outs[1].order);
}

TEST_CASE("the checker passes an algorithm running in the case's layout and fails one reading another order",
          "[check_layouts]") {
    const Problem p = Problem::parse("g2mb2ic4ih5iw7oc6oh3ow4kh3kw2sh2sw2ph1pw1");
    for (const Layout& layout : all_layouts())
        for (Direction d : all_directions) {
            INFO(to_string(layout) << " " << to_string(d));
            CHECK(check_wrapped(p, d, layout, true).status == Status::passed);
            const Verdict wrong = check_wrapped(p, d, layout, false);
            // Read in the wrong order, only the canonical layout can pass.
            const bool all_canonical = layout == Layout{};
            CHECK((wrong.status == Status::passed) == all_canonical);
        }
}

TEST_CASE("a failure in another layout names the element's index in that layout", "[check_layouts]") {
    const Problem p = Problem::parse("mb1ic2ih3iw4oc5oh3ow4kh1kw1");
    const Layout layout = parse_layout("t", "nhwc");
    // Outputs of a 1x1 kernel with one element wrong: y at NHWC [0,2,1,4].
    const Verdict v = check_outputs(p, Direction::fwd, 1, naive().contract(), [&](ConvTensors& t) {
        Prepared inner = naive().prepare(p, Direction::fwd, 1);
        Tensor x(p.x_dims()), w(p.w_dims()), y(p.y_dims());
        from_layout(t.x.data(), p.x_dims(), axis_order(layout.activations), x.data());
        from_layout(t.w.data(), p.w_dims(), axis_order(layout.weights), w.data());
        ConvArgs a;
        a.x = x.data(), a.w = w.data(), a.b = t.b.data(), a.y = y.data();
        inner.primitive->execute(a);
        to_layout(y.data(), p.y_dims(), axis_order(layout.activations), t.y.data());
        t.y[((0 * 3 + 2) * 4 + 1) * 5 + 4] += 1000;
    }, layout);
    CHECK(v.status == Status::failed);
    CHECK(v.worst.rfind("y[0,2,1,4]", 0) == 0);
}

TEST_CASE("an algorithm asked for a layout it does not list declines, naming it", "[check_layouts]") {
    const Problem p = Problem::parse("mb1ic2ih3iw4oc5oh3ow4kh1kw1");
    const Prepared prepared = naive().prepare_in(p, Direction::fwd, 1, parse_layout("t", "nhwc:hwio"));
    CHECK(!prepared);
    CHECK(prepared.decline_reason == "naive: runs in nchw:oihw only, not nhwc:hwio");
    const Verdict v = check(naive(), p, Direction::fwd, 1, 1, parse_layout("t", "nhwc"));
    CHECK(v.status == Status::skipped);
}
