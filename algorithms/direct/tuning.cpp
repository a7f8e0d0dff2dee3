#include "algorithms/direct/tuning.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "algorithms/direct/dispatch.hpp"
#include "algorithms/settings.hpp"
#include "algorithms/tensor.hpp"

namespace convlab::direct {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double budget_ms = 60;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Zero-filled tensors of one problem and direction (zeros run at the speed
// of any normal data: no denormals) and a workspace for the largest plan.
struct Scratch {
    std::unique_ptr<float[], AlignedFree> x, w, b, y, workspace;
    ConvArgs args;
    Scratch(const Problem& p, Direction d, int64_t workspace_floats)
        : x(aligned_floats(p.mb * p.ic * p.ih * p.iw)), w(aligned_floats(p.oc * p.icg() * p.kh * p.kw)),
          b(aligned_floats(p.oc)), y(aligned_floats(p.mb * p.oc * p.oh * p.ow)),
          workspace(aligned_floats(workspace_floats)) {
        args.workspace = reinterpret_cast<std::byte*>(workspace.get());
        if (d == Direction::fwd) args.x = x.get(), args.w = w.get(), args.b = b.get(), args.y = y.get();
        else args.dy = y.get(), args.w = w.get(), args.dx = x.get();
    }
};

// The best of a few calls of the timed part of the plan's call.
double best_call_ms(const Plan& plan, const ConvArgs& args, double share_ms) {
    const Stage timed = plan.staged ? Stage::conv : Stage::all;
    if (plan.staged) run(plan, args, Stage::in);
    run(plan, args, timed);  // warm-up
    double best = std::numeric_limits<double>::infinity();
    const Clock::time_point start = Clock::now();
    for (int call = 0; call < 8 && (call < 2 || ms_since(start) < share_ms); ++call) {
        const Clock::time_point t0 = Clock::now();
        run(plan, args, timed);
        best = std::min(best, ms_since(t0));
    }
    return best;
}

}  // namespace

bool tuning_on() {
    const auto setting = environment_setting("CONVLAB_DIRECT_TUNE");
    return !setting || one_of("CONVLAB_DIRECT_TUNE", *setting, {"off", "on"}) == 1;
}

Plan tuned_plan(const Problem& p, Direction d, int threads, const Machine& machine, Layout layout, bool staged,
                bool* tuned) {
    Plan model = make_plan(p, d, threads, machine, layout, staged);
    const int ranks = close_tiles(model);
    *tuned = ranks > 1 && d != Direction::bwd_w && tuning_on();
    if (!*tuned) return model;
    Problem small = p;
    small.mb = std::min<int64_t>(p.mb, 2);
    std::vector<Plan> candidates;
    int64_t workspace_floats = 0;
    for (int rank = 0; rank < ranks; ++rank) {
        candidates.push_back(make_plan(small, d, threads, machine, layout, staged, rank));
        workspace_floats = std::max(workspace_floats, candidates.back().total_floats);
    }
    Scratch scratch(small, d, workspace_floats);
    int best_rank = 0;
    double best_ms = std::numeric_limits<double>::infinity();
    for (int rank = 0; rank < ranks; ++rank) {
        const double ms = best_call_ms(candidates[rank], scratch.args, budget_ms / ranks);
        if (ms < best_ms) best_ms = ms, best_rank = rank;
    }
    return best_rank == 0 ? model : make_plan(p, d, threads, machine, layout, staged, best_rank);
}

}  // namespace convlab::direct
