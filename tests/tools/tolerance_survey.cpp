// The measurement behind each algorithm's tolerance(): the distribution of
// check()'s max_rel_err over random problems (tests/random_problem.hpp) that
// the algorithm accepts, per direction. Not a test: it prints figures, and a
// tolerance is then set with a margin over the worst one (see the comments
// beside each tolerance()).
//
//   build/tests/tolerance_survey [--problems N] [--seed S] [algorithm ...]
//   (default: 600 problems per direction, seed 99, every registered algorithm
//   but naive and reference)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

// At most `count` accepted problems: gives up after 100 draws per problem
// wanted, so an algorithm that accepts almost nothing cannot loop forever.
void survey(const Algorithm& a, Direction d, int count, uint64_t seed) {
    testing::RandomProblems problems(seed);
    std::vector<double> errors;
    int failed = 0;
    for (int64_t draws = 0; int(errors.size()) < count && draws < int64_t(count) * 100; ++draws) {
        const Problem p = problems.next();
        if (!a.prepare(p, d, 1)) continue;
        const Verdict v = check(a, p, d, seed);
        if (v.status == Status::skipped) continue;
        if (v.status == Status::failed) ++failed;
        errors.push_back(v.max_rel_err);
    }
    if (errors.empty()) {
        std::printf("%-22s %-5s no accepted problems\n", std::string(a.name()).c_str(), to_string(d).data());
        return;
    }
    std::sort(errors.begin(), errors.end());
    auto at = [&](double q) { return errors[size_t(q * double(errors.size() - 1))]; };
    std::printf("%-22s %-5s problems %4zu  median %.2g  p99 %.2g  max %.2g  tolerance %.2g  failed %d\n",
                std::string(a.name()).c_str(), to_string(d).data(), errors.size(), at(0.5), at(0.99),
                errors.back(), a.contract().tolerance, failed);
}

}  // namespace

int main(int argc, char** argv) {
    int count = 600;
    uint64_t seed = 99;
    std::vector<const Algorithm*> chosen;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if ((arg == "--problems" || arg == "--seed") && i + 1 < argc) {
            (arg == "--problems" ? count = std::atoi(argv[++i]) : seed = std::strtoull(argv[++i], nullptr, 10));
        } else if (const Algorithm* a = find_algorithm(arg)) {
            chosen.push_back(a);
        } else {
            std::fprintf(stderr, "tolerance_survey: unknown argument or algorithm '%s'\n", arg.c_str());
            return 2;
        }
    }
    if (count < 1) {
        std::fprintf(stderr, "tolerance_survey: --problems must be at least 1\n");
        return 2;
    }
    if (chosen.empty())
        for (const auto& a : registry())
            if (a->name() != "naive" && a->name() != "reference") chosen.push_back(a.get());
    for (const Algorithm* a : chosen)
        for (Direction d : {Direction::fwd, Direction::bwd_d, Direction::bwd_w}) survey(*a, d, count, seed);
}
