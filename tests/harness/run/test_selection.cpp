// What `validate` and `bench` leave out of a selection, and why.
#include "harness/run/selection.hpp"

#include <catch2/catch.hpp>

using namespace convlab;

namespace {

// An algorithm with the given properties and nothing else.
class WithProperties final : public Algorithm {
public:
    explicit WithProperties(Properties properties) : properties_(properties) {}
    std::string_view name() const override { return "with_properties"; }
    std::string_view family() const override { return "test"; }
    std::string_view description() const override { return "only properties"; }
    Properties properties() const override { return properties_; }
    Prepared prepare(const Problem&, Direction, int) const override { return declined(name(), "never runs"); }

private:
    Properties properties_;
};

}  // namespace

TEST_CASE("the budget applies to slow algorithms only, above the GFLOP limit", "[selection]") {
    // 2 * mb * oc * oh * ow * ic * kh * kw = 2 * 8 * 64 * 56 * 56 * 64 * 9 = 1.85e9
    const Problem big = Problem::parse("mb8ic64ih56oc64oh56kh3ph1");
    REQUIRE(big.flops() == Approx(1849688064.0));
    const WithProperties slow({.baseline = false, .slow = true}), fast({.baseline = true, .slow = false});
    CHECK(over_budget_reason(slow, big, 1.0) == "over budget (1.85 GFLOP > 1)");
    CHECK(over_budget_reason(slow, big, 0.5) == "over budget (1.85 GFLOP > 0.5)");
    CHECK(over_budget_reason(slow, big, 2.0).empty());
    CHECK(over_budget_reason(slow, big, 0).empty());  // 0: no budget
    CHECK(over_budget_reason(fast, big, 0.001).empty());
}

