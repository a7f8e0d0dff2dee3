#include "harness/measure/bench_timing.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <optional>
#include <utility>
#include <sstream>
#include <vector>

#include "algorithms/timing_phases.hpp"
#include "harness/measure/cache.hpp"

namespace convlab {

class BenchReporter final : public benchmark::BenchmarkReporter {
public:
    explicit BenchReporter(bool verbose) : display_(verbose ? benchmark::CreateDefaultDisplayReporter() : nullptr) {}

    bool ReportContext(const Context& context) override {
        if (!context_) {
            context_.emplace(context);
            if (display_) display_->ReportContext(context);
        }
        return true;
    }

    void ReportRuns(const std::vector<Run>& runs) override {
        if (display_) display_->ReportRuns(runs);
        runs_.insert(runs_.end(), runs.begin(), runs.end());
    }

    // Google Benchmark calls this at the end of every RunSpecifiedBenchmarks;
    // the display's table stays open across them.
    void Finalize() override {}

    std::vector<Run> take_runs() { return std::exchange(runs_, {}); }

    // Google Benchmark's own JSON of `runs` and the context, written by its
    // JSON reporter into a document of their own: the raw results keep its
    // fields and names without convlab spelling them.
    nlohmann::json json_of(const std::vector<Run>& runs) const {
        std::ostringstream text, errors;
        benchmark::JSONReporter json;
        json.SetOutputStream(&text);
        json.SetErrorStream(&errors);
        json.ReportContext(*context_);
        json.ReportRuns(runs);
        json.Finalize();
        return nlohmann::json::parse(text.str());
    }

private:
    benchmark::BenchmarkReporter* display_;  // owned by Google Benchmark
    std::optional<Context> context_;
    std::vector<Run> runs_;
};

namespace {

double smallest(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

double quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const double at = q * double(v.size() - 1);
    const size_t low = size_t(at);
    const double frac = at - double(low);
    return low + 1 < v.size() ? v[low] * (1 - frac) + v[low + 1] * frac : v[low];
}

// The times of the repetitions (run_type iteration; their real time is the
// mean per call over the repetition), and the statistics over them.
Timing timing_from(const std::vector<benchmark::BenchmarkReporter::Run>& runs, int repetitions) {
    Timing timing;
    for (const auto& run : runs) {
        timing.ran = true;
        if (run.error_occurred) {
            timing.error = run.error_message.empty() ? "benchmark error" : run.error_message;
            continue;
        }
        if (run.run_type == benchmark::BenchmarkReporter::Run::RT_Iteration)
            timing.repetition_ms.push_back(run.GetAdjustedRealTime());  // the benchmark's unit is milliseconds
    }
    timing.repetitions = repetitions;
    const std::vector<double>& t = timing.repetition_ms;
    if (t.empty()) return timing;
    double sum = 0;
    for (double ms : t) sum += ms;
    timing.mean_ms = sum / double(t.size());
    double squares = 0;
    for (double ms : t) squares += (ms - timing.mean_ms) * (ms - timing.mean_ms);
    timing.stddev_ms = t.size() > 1 ? std::sqrt(squares / double(t.size() - 1)) : 0;
    timing.median_ms = quantile(t, 0.5);
    timing.min_ms = *std::min_element(t.begin(), t.end());
    timing.spread = timing.median_ms > 0 ? (quantile(t, 0.75) - quantile(t, 0.25)) / timing.median_ms : 0;
    timing.cv = timing.mean_ms > 0 ? timing.stddev_ms / timing.mean_ms : 0;
    return timing;
}

}  // namespace

BenchSession::BenchSession(bool verbose) : reporter_(std::make_unique<BenchReporter>(verbose)) {}
BenchSession::~BenchSession() = default;

Timing BenchSession::time(const std::string& name, const Primitive& primitive, const ConvArgs& args, double flops,
                          const TimingOptions& options) {
    std::string error;  // outlives the run: SkipWithError keeps the pointer
    // Calls per repetition: the aggregates report the number of repetitions
    // as their "iterations"; every repetition runs the same count.
    int64_t iterations = 0;
    std::unique_ptr<CacheFlusher> flusher;
    if (options.cold_cache) flusher = std::make_unique<CacheFlusher>(primitive.threads());
    auto* bench = benchmark::RegisterBenchmark(name.c_str(), [&](benchmark::State& state) {
        for (auto _ : state) {
            try {
                if (flusher) {
                    state.PauseTiming();
                    flusher->flush();
                    state.ResumeTiming();
                }
                primitive.execute(args);
            } catch (const std::exception& e) {
                error = e.what();
                state.SkipWithError(error.c_str());
                break;
            }
        }
        iterations = state.iterations();
        // kIsIterationInvariantRate: flops x iterations / seconds, i.e. FLOP/s.
        state.counters["FLOPS"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
    });
    bench->Unit(benchmark::kMillisecond)
        ->UseRealTime()  // the work runs on OpenMP threads: wall time is what counts
        ->MinTime(options.min_time_s)
        ->Repetitions(options.repetitions)
        ->ReportAggregatesOnly(false)  // the raw JSON keeps every repetition, for compare's tests
        ->ComputeStatistics("min", smallest);
    benchmark::RunSpecifiedBenchmarks(reporter_.get());
    benchmark::ClearRegisteredBenchmarks();
    const std::vector<benchmark::BenchmarkReporter::Run> runs = reporter_->take_runs();
    if (!runs.empty()) {
        nlohmann::json document = reporter_->json_of(runs);
        if (context_.is_null()) context_ = std::move(document["context"]);
        for (auto& record : document["benchmarks"]) records_.push_back(std::move(record));
    }
    Timing timing = timing_from(runs, options.repetitions);
    timing.iterations = iterations;
    return timing;
}

std::vector<nlohmann::json> BenchSession::take_records() { return std::exchange(records_, {}); }

void BenchSession::discard_records_from(size_t first) {
    records_.erase(records_.begin() + std::ptrdiff_t(std::min(first, records_.size())), records_.end());
}

std::map<std::string, double> phase_breakdown_ms(const Primitive& primitive, ConvArgs args, int calls) {
    TimingPhases timing_phases;
    args.timing_phases = &timing_phases;
    for (int i = 0; i < calls; ++i) primitive.execute(args);
    std::map<std::string, double> mean_ms;
    for (const auto& [phase, seconds] : timing_phases.seconds()) mean_ms[phase] = seconds * 1e3 / calls;
    return mean_ms;
}

double staging_ms(const Primitive& primitive, const ConvArgs& args, int calls) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) {
        primitive.stage_in(args);
        primitive.stage_out(args);
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / calls;
}

}  // namespace convlab
