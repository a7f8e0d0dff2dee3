// Randomized cross-validation in the other layouts: every algorithm that
// lists a layout besides nchw:oihw runs in each of them on random problems
// against the reference. CONVLAB_SEED=N replays another draw.
#include <catch2/catch.hpp>

#include <iostream>

#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

TEST_CASE("every algorithm agrees with the reference in each layout it lists, on 40 random problems",
          "[layout_cross_validation]") {
    const uint64_t seed = testing::test_seed(20261207);
    std::cout << "layout cross-validation seed: " << seed << "\n";
    for (const auto& algorithm : registry()) {
        int algorithm_ran = 0;
        for (const Layout& layout : algorithm->layouts()) {
            if (layout == Layout{}) continue;  // test_cross_validation's
            testing::RandomProblems problems(seed);
            int checked = 0, ran = 0;
            for (int n = 0; n < 40; ++n) {
                const Problem p = problems.next();
                for (Direction d : all_directions) {
                    const Verdict v = check(*algorithm, p, d, seed + uint64_t(n), 2, layout);
                    ++checked;
                    if (v.status == Status::skipped) continue;
                    ++ran;
                    INFO("convlab validate --algo " << algorithm->name() << " --layout " << to_string(layout)
                                                    << " --dir " << to_string(d) << " --problem '" << p.str() << "'");
                    INFO(v.reason << " " << v.worst);
                    CHECK(v.status == Status::passed);
                }
            }
            std::cout << algorithm->name() << " " << to_string(layout) << ": " << ran << " of " << checked
                      << " cases ran\n";
            algorithm_ran += ran;
        }
        // A layout may be declined throughout (oneDNN's reference-only ones),
        // but an algorithm listing others must run in some.
        if (algorithm->layouts().size() > 1) CHECK(algorithm_ran > 0);
    }
}
