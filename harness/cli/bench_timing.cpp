#include "harness/cli/bench_timing.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <exception>
#include <sstream>
#include <vector>

#include "algorithms/phase_times.hpp"

namespace convlab {

class BenchReporter final : public benchmark::BenchmarkReporter {
public:
    BenchReporter() : display_(benchmark::CreateDefaultDisplayReporter()) {
        json_.SetOutputStream(&json_text_);
        json_.SetErrorStream(&json_errors_);
    }

    bool ReportContext(const Context& context) override {
        if (!context_reported_) {
            context_reported_ = true;
            display_->ReportContext(context);
            json_.ReportContext(context);
        }
        return true;
    }

    void ReportRuns(const std::vector<Run>& runs) override {
        display_->ReportRuns(runs);
        json_.ReportRuns(runs);
        runs_.insert(runs_.end(), runs.begin(), runs.end());
        reported_anything_ = true;
    }

    // Google Benchmark calls this at the end of every RunSpecifiedBenchmarks;
    // the JSON document stays open until finish().
    void Finalize() override {}

    std::vector<Run> take_runs() { return std::exchange(runs_, {}); }

    nlohmann::json finish() {
        if (!reported_anything_) return nullptr;
        if (!finished_) {
            json_.Finalize();
            display_->Finalize();
            finished_ = true;
        }
        return nlohmann::json::parse(json_text_.str());
    }

private:
    benchmark::BenchmarkReporter* display_;  // owned by Google Benchmark
    benchmark::JSONReporter json_;
    std::ostringstream json_text_, json_errors_;
    std::vector<Run> runs_;
    bool context_reported_ = false, reported_anything_ = false, finished_ = false;
};

namespace {

double smallest(const std::vector<double>& values) {
    return values.empty() ? 0.0 : *std::min_element(values.begin(), values.end());
}

Timing timing_from(const std::vector<benchmark::BenchmarkReporter::Run>& runs, int repetitions) {
    Timing timing;
    for (const auto& run : runs) {
        timing.ran = true;
        if (run.error_occurred) {
            timing.error = run.error_message.empty() ? "benchmark error" : run.error_message;
            continue;
        }
        const double ms = run.GetAdjustedRealTime();  // the benchmark's unit is milliseconds
        if (run.run_type == benchmark::BenchmarkReporter::Run::RT_Iteration) {
            // Only reported on its own when there is a single repetition (no aggregates).
            timing.median_ms = timing.min_ms = timing.mean_ms = ms;
        } else if (run.aggregate_name == "median") {
            timing.median_ms = ms;
        } else if (run.aggregate_name == "min") {
            timing.min_ms = ms;
        } else if (run.aggregate_name == "mean") {
            timing.mean_ms = ms;
        } else if (run.aggregate_name == "stddev") {
            timing.stddev_ms = ms;
        }
    }
    timing.repetitions = repetitions;
    return timing;
}

}  // namespace

BenchSession::BenchSession() : reporter_(std::make_unique<BenchReporter>()) {}
BenchSession::~BenchSession() = default;

Timing BenchSession::time(const std::string& name, const Primitive& primitive, const ConvArgs& args, double flops,
                          const TimingOptions& options) {
    std::string error;  // outlives the run: SkipWithError keeps the pointer
    // Calls per repetition: the aggregates report the number of repetitions
    // as their "iterations"; every repetition runs the same count.
    int64_t iterations = 0;
    auto* bench = benchmark::RegisterBenchmark(name.c_str(), [&](benchmark::State& state) {
        for (auto _ : state) {
            try {
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
        ->ReportAggregatesOnly(true)
        ->ComputeStatistics("min", smallest);
    benchmark::RunSpecifiedBenchmarks(reporter_.get());
    benchmark::ClearRegisteredBenchmarks();
    Timing timing = timing_from(reporter_->take_runs(), options.repetitions);
    timing.iterations = iterations;
    return timing;
}

nlohmann::json BenchSession::finish_json() { return reporter_->finish(); }

std::map<std::string, double> phase_breakdown_ms(const Primitive& primitive, ConvArgs args, int calls) {
    PhaseTimes phases;
    args.phases = &phases;
    for (int i = 0; i < calls; ++i) primitive.execute(args);
    std::map<std::string, double> mean_ms;
    for (const auto& [phase, seconds] : phases.seconds()) mean_ms[phase] = seconds * 1e3 / calls;
    return mean_ms;
}

}  // namespace convlab
