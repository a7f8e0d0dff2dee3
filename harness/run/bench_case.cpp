#include "harness/run/bench_case.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>

#include <fmt/format.h>

#include "algorithms/layer_class.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/tensor.hpp"
#include "algorithms/threading.hpp"
#include "harness/measure/float_mode.hpp"
#include "harness/measure/placement.hpp"
#include "harness/measure/roofline.hpp"
#include "harness/verify/check.hpp"
#include "harness/verify/layout_tensors.hpp"
#include "harness/verify/memory_guard.hpp"

namespace convlab {
namespace {

std::string number(double value) { return fmt::format("{:.6g}", value); }

std::string layer_of(const SelectedProblem& selected) {
    const Problem& p = selected.entry.problem;
    return p.name.empty() ? selected.entry.descriptor : p.name;
}

ConvTensors laid_out(ConvTensors canonical, Direction d, Layout layout) {
    return layout == Layout{} ? std::move(canonical) : in_layout(canonical, d, layout);
}

// The tensors of one timed call: real-valued inputs, outputs, and the workspace,
// all made before the timed loop and reused by every call.
struct TimedCall {
    ConvTensors tensors;
    std::unique_ptr<float[], AlignedFree> workspace;
    ConvArgs args;

    TimedCall(const Primitive& primitive, const Problem& p, Direction d, uint64_t seed, Layout layout,
              const DataSpec& data)
        : tensors(laid_out(make_tensors(p, d, Fill::reals, seed, data), d, layout)), args(bind(tensors, d)) {
        const int64_t bytes = primitive.workspace_bytes();
        workspace = aligned_floats((bytes + 3) / 4);
        args.workspace = bytes > 0 ? reinterpret_cast<std::byte*>(workspace.get()) : nullptr;
    }
};

// The check of `checked_problem` on the primitive prepared for the timed
// problem when they are the same (the case prepares once); a smaller
// --check-mb is another problem, for which the checker prepares its own.
Verdict checked(const Algorithm& algorithm, const Primitive& timed_primitive, const Problem& timed_problem,
                const Problem& checked_problem, Direction d, uint64_t seed, int threads, Layout layout,
                const DataConditions& conditions) {
    Verdict v;
    try {
        ensure_fits_in_memory(checked_problem, d, algorithm.name(), checker_copies);
        if (checked_problem == timed_problem)
            return check(timed_primitive, algorithm.contract(), checked_problem, d, seed, layout, conditions);
        return check(algorithm, checked_problem, d, seed, threads, layout, conditions);
    } catch (const DoesNotFit& e) {
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

// gflops_median / gflops_max on the nominal count (equal work for every
// algorithm); peak_fraction, arith_intensity and bound on the useful count
// (placement.hpp).
void add_timing(ResultRow& row, const Timing& timing, const Problem& p, Direction d, int threads,
                const CaseSettings& settings) {
    const double flops = p.flops();
    row["time_ms_median"] = number(timing.median_ms);
    row["time_ms_min"] = number(timing.min_ms);
    row["time_ms_mean"] = number(timing.mean_ms);
    row["time_ms_stddev"] = number(timing.stddev_ms);
    row["gflops_median"] = number(flops / (timing.median_ms * 1e6));
    row["gflops_max"] = number(flops / (timing.min_ms * 1e6));
    row["repetitions"] = std::to_string(timing.repetitions);
    row["iterations"] = std::to_string(timing.iterations);
    row["spread"] = number(timing.spread);
    row["cv"] = number(timing.cv);
    row["noisy"] = timing.spread > noisy_spread ? "1" : "0";
    row["arith_intensity"] = number(arithmetic_intensity(p, d));
    if (!settings.peak) return;
    const Placement placed = place(p, d, timing.median_ms, threads, *settings.peak);
    row["peak_fraction"] = number(placed.peak_fraction);
    row["bound"] = std::string(placed.bound);
    const bool bounded = bounded_by_fma_peak(row["family"], row["algorithm"], row["implementation"]);
    row["suspect"] = impossible_rate_reason(placed, bounded);
}

void mark_failed(ResultRow& row, const std::string& why) {
    row["status"] = "FAILED";
    row["reason"] = row["reason"].empty() ? why : row["reason"] + "; " + why;
}

}  // namespace

ResultRow case_identity(const SelectedProblem& selected, std::string_view algorithm, Direction d, int threads,
                        bool cold_cache, Layout layout, const DataConditions& conditions) {
    const Problem& p = selected.entry.problem;
    return {{"suite", selected.suite},       {"layer", layer_of(selected)},
            {"descriptor", p.str()},         {"layer_class", layer_class(p)},
            {"weight", std::to_string(p.weight)},
            {"algorithm", std::string(algorithm)}, {"direction", std::string(to_string(d))},
            {"threads", std::to_string(threads)},  {"mb", std::to_string(p.mb)},
            {"gflop", number(p.flops() / 1e9)},    {"gflop_useful", number(p.useful_flops() / 1e9)},
            {"cache", cold_cache ? "cold" : "warm"},    {"layout", to_string(layout)},
            {"data", to_string(conditions.data)},      {"ftz", conditions.flush_denormals ? "on" : "off"},
            {"isa", std::string(isa_cap_name(isa_cap()))}};
}

ResultRow unsupported_row(const SelectedProblem& selected) {
    return {{"suite", selected.suite}, {"layer", selected.entry.descriptor}, {"descriptor", selected.entry.descriptor},
            {"status", "UNSUPPORTED"}, {"reason", selected.entry.reason}};
}

std::optional<ResultRow> run_case(const Algorithm& algorithm, const SelectedProblem& selected, Direction d,
                                  int threads, const CaseSettings& settings, BenchSession& session) {
    const Problem& p = selected.entry.problem;
    ResultRow row = case_identity(selected, algorithm.name(), d, threads, settings.timing.cold_cache, settings.layout,
                                  settings.conditions);
    const FloatModeScope float_mode(settings.conditions.flush_denormals, threads);
    row["family"] = std::string(algorithm.family());
    if (std::string why = over_budget_reason(algorithm, p, settings.budget_gflop); !why.empty())
        return skipped(row, why);
    if (std::string why = over_max_gflop_reason(settings.max_gflop, p); !why.empty()) return skipped(row, why);
    // The size guard before planning: no plan is computed for a problem
    // whose tensors could overflow it.
    Prepared prepared;
    try {
        ensure_fits_in_memory(p, d, algorithm.name(), 1);
        const auto prepare_start = std::chrono::steady_clock::now();
        prepared = algorithm.prepare_in(p, d, threads, settings.layout);
        if (!prepared) return skipped(row, prepared.decline_reason);
        // What a framework pays once per layer: planning, packing, JIT,
        // tuning; not stage_in, which converts each call's tensors.
        row["prepare_ms"] =
            number(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - prepare_start).count());
        ensure_fits_in_memory(p, d, algorithm.name(), 1, prepared.primitive->workspace_bytes());
    } catch (const DoesNotFit& e) {
        return skipped(row, e.what());
    }
    const Primitive& primitive = *prepared.primitive;
    row["workspace_bytes"] = std::to_string(primitive.workspace_bytes());
    row["implementation"] = primitive.implementation();

    // The check first, so its verdict lands in the same row as the times.
    Problem checked_problem = p;
    if (settings.check_mb > 0) checked_problem.mb = std::min(p.mb, settings.check_mb);
    row["check_mb"] = std::to_string(checked_problem.mb);
    const Verdict verdict = checked(algorithm, primitive, p, checked_problem, d, settings.check_seed, threads,
                                    settings.layout, settings.conditions);
    if (verdict.status == Status::skipped) return skipped(row, verdict.reason);
    row["status"] = std::string(to_string(verdict.status));
    row["reason"] = verdict.status == Status::failed && !verdict.worst.empty()
                        ? verdict.reason + "; worst " + verdict.worst
                        : verdict.reason;
    row["max_abs_err"] = fmt::format("{:.3g}", verdict.max_abs_err);
    row["max_rel_err"] = fmt::format("{:.3g}", verdict.max_rel_err);

    TimedCall call(primitive, p, d, settings.timing_seed, settings.layout, settings.conditions.data);
    try {
        primitive.stage_in(call.args);  // outside the timed calls: a network keeping the layouts would not pay it
        primitive.execute(call.args);   // warm-up: first touch of pages, JIT, caches
    } catch (const std::exception& e) {
        mark_failed(row, fmt::format("threw before timing: {}", e.what()));
        return row;
    }
    const std::string name = benchmark_name(row);
    auto time_once = [&] { return session.time(name, primitive, call.args, p.flops(), settings.timing); };
    Timing timing;
    if (settings.sentinel) {
        const size_t first_record = session.records_so_far();
        const SentinelTiming sentried = time_between_sentinels(*settings.sentinel, threads, time_once, [&] {
            session.discard_records_from(first_record);
        });
        timing = sentried.timing;
        row["sentinel_ratio"] = number(sentried.ratio);
        row["disturbed"] = sentried.disturbed ? "1" : "0";
        row["retimed"] = sentried.retimed ? "1" : "0";
    } else {
        timing = time_once();
    }
    if (!timing.ran) return std::nullopt;
    if (!timing.error.empty()) {
        mark_failed(row, fmt::format("threw while timed: {}", timing.error));
        return row;
    }
    add_timing(row, timing, p, d, threads, settings);

    // Phases come from separate, untimed calls: the timed loop passes no
    // TimingPhases, so its clock reads never disturb the times above. About 0.3 s
    // of calls, at least one, at most phase_calls.
    const int calls = std::clamp(int(std::ceil(300.0 / std::max(timing.median_ms, 1e-3))), 1,
                                 std::max(settings.phase_calls, 1));
    try {
        for (const auto& [phase, ms] : phase_breakdown_ms(primitive, call.args, calls))
            row["phase_" + phase + "_ms"] = number(ms);
        row["staging_ms"] = number(staging_ms(primitive, call.args, calls));
    } catch (const std::exception& e) {
        mark_failed(row, fmt::format("threw in a phase call: {}", e.what()));
    }
    return row;
}

}  // namespace convlab
