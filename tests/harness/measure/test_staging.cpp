// staging_ms: what stage_in and stage_out cost a caller, per call, in calls
// apart from the timed ones.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "harness/measure/bench_timing.hpp"

using namespace convlab;

namespace {

// Stages by sleeping a known time and counting its calls; runs nothing.
class SleepsToStage final : public Primitive {
public:
    SleepsToStage() : Primitive(1) {}
    void stage_in(const ConvArgs&) const override {
        ++ins;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    void stage_out(const ConvArgs&) const override {
        ++outs;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    mutable int ins = 0, outs = 0;

protected:
    void run(const ConvArgs&) const override {}
};

}  // namespace

TEST_CASE("staging_ms is the mean of stage_in and stage_out together per call", "[staging]") {
    const SleepsToStage primitive;
    const double ms = staging_ms(primitive, ConvArgs{}, 4);
    CHECK(primitive.ins == 4);
    CHECK(primitive.outs == 4);
    CHECK(ms >= 3.0);   // a sleep lasts at least what it asks for
    CHECK(ms < 50.0);   // and is not counted once per call more than once
}
