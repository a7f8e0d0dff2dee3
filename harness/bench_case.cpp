#include "harness/bench_case.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/format.h>

#include "algorithms/tensor.hpp"
#include "algorithms/threading.hpp"
#include "harness/bench_options.hpp"
#include "harness/check.hpp"
#include "harness/commands.hpp"
#include "harness/memory_guard.hpp"

namespace convlab {
namespace {

// Float tensors the checker holds at once, in copies of one call's tensors
// (fp32 tensors, their double copies and |copies|, the cached reference and
// scale of both passes), as `validate` counts them.
constexpr int checker_copies = 8;

std::string number(double value) { return fmt::format("{:.6g}", value); }

std::string layer_of(const SelectedProblem& selected) {
    const Problem& p = selected.entry.problem;
    return p.name.empty() ? selected.entry.descriptor : p.name;
}

// The tensors of one timed call: real-valued inputs, outputs, and the workspace,
// all made before the timed loop and reused by every call.
struct TimedCall {
    ConvTensors tensors;
    std::unique_ptr<float[], AlignedFree> workspace;
    ConvArgs args;

    TimedCall(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed)
        : tensors(make_tensors(p, d, Fill::reals, seed)) {
        const int64_t bytes = algorithm.workspace_bytes(p, d);
        workspace = aligned_floats((bytes + 3) / 4);
        args.workspace = bytes > 0 ? reinterpret_cast<std::byte*>(workspace.get()) : nullptr;
        auto& t = tensors;
        float* b = t.b.size() ? t.b.data() : nullptr;
        switch (d) {
            case Direction::fwd: args.x = t.x.data(), args.w = t.w.data(), args.b = b, args.y = t.y.data(); break;
            case Direction::bwd_d: args.dy = t.dy.data(), args.w = t.w.data(), args.dx = t.x.data(); break;
            case Direction::bwd_w: args.x = t.x.data(), args.dy = t.dy.data(), args.dw = t.w.data(), args.db = b; break;
        }
    }
};

Verdict checked(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed) {
    Verdict v;
    try {
        ensure_fits_in_memory(algorithm, p, d, checker_copies);
        return check(algorithm, p, d, seed);
    } catch (const UsageError& e) {  // does not fit in memory
        v.status = Status::skipped;
        v.reason = e.what();
    } catch (const std::exception& e) {  // an algorithm that throws fails; the run goes on
        v.status = Status::failed;
        v.reason = fmt::format("threw: {}", e.what());
    }
    return v;
}

ResultRow skipped(ResultRow row, const std::string& reason) {
    row["status"] = "SKIPPED";
    row["reason"] = reason;
    return row;
}

void add_timing(ResultRow& row, const Timing& timing, double flops) {
    row["time_ms_median"] = number(timing.median_ms);
    row["time_ms_min"] = number(timing.min_ms);
    row["time_ms_mean"] = number(timing.mean_ms);
    row["time_ms_stddev"] = number(timing.stddev_ms);
    row["gflops_median"] = number(flops / (timing.median_ms * 1e6));
    row["gflops_max"] = number(flops / (timing.min_ms * 1e6));
    row["repetitions"] = std::to_string(timing.repetitions);
    row["iterations"] = std::to_string(timing.iterations);
}

void mark_failed(ResultRow& row, const std::string& why) {
    row["status"] = "FAILED";
    row["reason"] = row["reason"].empty() ? why : row["reason"] + "; " + why;
}

}  // namespace

ResultRow case_identity(const SelectedProblem& selected, std::string_view algorithm, Direction d, int threads) {
    const Problem& p = selected.entry.problem;
    return {{"suite", selected.suite},       {"layer", layer_of(selected)},
            {"descriptor", p.str()},         {"weight", std::to_string(p.weight)},
            {"algorithm", std::string(algorithm)}, {"direction", std::string(to_string(d))},
            {"threads", std::to_string(threads)},  {"mb", std::to_string(p.mb)},
            {"gflop", number(p.flops() / 1e9)}};
}

ResultRow unsupported_row(const SelectedProblem& selected) {
    return {{"suite", selected.suite}, {"layer", selected.entry.descriptor}, {"descriptor", selected.entry.descriptor},
            {"status", "UNSUPPORTED"}, {"reason", selected.entry.reason}};
}

std::optional<ResultRow> run_case(const Algorithm& algorithm, const SelectedProblem& selected, Direction d,
                                  int threads, const CaseSettings& settings, BenchSession& session) {
    const Problem& p = selected.entry.problem;
    ResultRow row = case_identity(selected, algorithm.name(), d, threads);
    // First: oneDNN sizes its scratchpad (our workspace) for the thread count.
    set_threads(threads);
    if (std::string why = over_budget_reason(algorithm.name(), p, settings.budget_gflop); !why.empty())
        return skipped(row, why);
    if (std::string why = algorithm.decline_reason(p, d); !why.empty()) return skipped(row, why);
    // The size guard before workspace_bytes(): it checks the tensors first, so
    // no size is computed for a problem that could overflow it.
    try {
        ensure_fits_in_memory(algorithm, p, d, 1);
    } catch (const UsageError& e) {
        return skipped(row, e.what());
    }
    row["workspace_bytes"] = std::to_string(algorithm.workspace_bytes(p, d));

    // The check first, so its verdict lands in the same row as the times.
    Problem checked_problem = p;
    if (settings.check_mb > 0) checked_problem.mb = std::min(p.mb, settings.check_mb);
    row["check_mb"] = std::to_string(checked_problem.mb);
    const Verdict verdict = checked(algorithm, checked_problem, d, settings.check_seed);
    if (verdict.status == Status::skipped) return skipped(row, verdict.reason);
    row["status"] = std::string(to_string(verdict.status));
    row["reason"] = verdict.status == Status::failed && !verdict.worst.empty()
                        ? verdict.reason + "; worst " + verdict.worst
                        : verdict.reason;
    row["max_abs_err"] = fmt::format("{:.3g}", verdict.max_abs_err);
    row["max_rel_err"] = fmt::format("{:.3g}", verdict.max_rel_err);

    TimedCall call(algorithm, p, d, settings.timing_seed);
    std::unique_ptr<Primitive> primitive;
    try {
        primitive = algorithm.prepare(p, d);
        row["implementation"] = primitive->implementation();
        primitive->execute(call.args);  // warm-up: first touch of pages, JIT, caches
    } catch (const std::exception& e) {
        mark_failed(row, fmt::format("threw before timing: {}", e.what()));
        return row;
    }
    const std::string name = fmt::format("{}/{}/{}/threads:{}", algorithm.name(), to_string(d), layer_of(selected),
                                         threads);
    const Timing timing = session.time(name, *primitive, call.args, p.flops(), settings.timing);
    if (!timing.ran) return std::nullopt;
    if (!timing.error.empty()) {
        mark_failed(row, fmt::format("threw while timed: {}", timing.error));
        return row;
    }
    add_timing(row, timing, p.flops());

    // Phases come from separate, untimed calls: the timed loop passes no
    // PhaseTimes, so its clock reads never disturb the times above. About 0.3 s
    // of calls, at least one, at most phase_calls.
    const int calls = std::clamp(int(std::ceil(300.0 / std::max(timing.median_ms, 1e-3))), 1,
                                 std::max(settings.phase_calls, 1));
    try {
        for (const auto& [phase, ms] : phase_breakdown_ms(*primitive, call.args, calls))
            row["phase_" + phase + "_ms"] = number(ms);
    } catch (const std::exception& e) {
        mark_failed(row, fmt::format("threw in a phase call: {}", e.what()));
    }
    return row;
}

}  // namespace convlab
