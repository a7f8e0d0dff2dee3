// check() runs an algorithm at the thread count the caller names, whatever
// count was set before: a test that loops over thread counts and hands each
// to check() really runs at each one.
#include <omp.h>

#include <catch2/catch.hpp>
#include <memory>

#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/verify/check.hpp"

using namespace convlab;

namespace {

// What a ThreadRecorder saw: the count it was prepared with and the size of
// the OpenMP team of its primitive's parallel region.
struct SeenThreads {
    int prepared_with = 0;
    int team = 0;
};

// Computes with the reference (so the check passes) after opening a parallel
// region of the default size, as the engines do, and recording its team.
class RecordingPrimitive final : public Primitive {
public:
    RecordingPrimitive(int threads, const Problem& p, Direction d, SeenThreads& seen)
        : Primitive(threads), reference_(reference_algorithm().prepare(p, d, 1).primitive), seen_(seen) {}
    int64_t workspace_bytes() const override { return reference_->workspace_bytes(); }

protected:
    void run(const ConvArgs& args) const override {
        int team = 0;
#pragma omp parallel
        {
#pragma omp single
            team = omp_get_num_threads();
        }
        seen_.team = team;
        reference_->execute(args);
    }

private:
    std::unique_ptr<Primitive> reference_;
    SeenThreads& seen_;
};

class ThreadRecorder final : public Algorithm {
public:
    std::string_view name() const override { return "thread_recorder"; }
    std::string_view family() const override { return "test"; }
    std::string_view description() const override { return "the reference, recording its thread count"; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        seen.prepared_with = threads;
        return prepared<RecordingPrimitive>(threads, p, d, seen);
    }
    mutable SeenThreads seen;
};

}  // namespace

TEST_CASE("check runs the algorithm at the thread count it names, not the one set before", "[check][threads]") {
    const Problem p = Problem::parse("mb2ic4ih6oc6kh3ph1");
    const int before = max_threads();
    for (int threads : {1, 2}) {
        set_threads(3 - threads);  // the other count: check() must not inherit it
        ThreadRecorder recorder;
        const Verdict v = check(recorder, p, Direction::fwd, 1, threads);
        INFO(threads << " threads named: " << v.reason);
        CHECK(v.status == Status::passed);
        CHECK(recorder.seen.prepared_with == threads);
        CHECK(recorder.seen.team == threads);
    }
    set_threads(before);
}
