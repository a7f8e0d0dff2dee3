// Timing one prepared primitive with Google Benchmark, one benchmark at a
// time: each is registered, run and cleared before the next, so the caller
// writes its CSV row as soon as it finishes, shows progress, and can stop
// cleanly between two benchmarks (Ctrl-C).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/algorithm.hpp"

namespace convlab {

struct TimingOptions {
    int repetitions = 5;
    double min_time_s = 0.1;  // per repetition
    bool cold_cache = false;  // evict the caches before every timed call (outside the timing)
};

struct Timing {
    bool ran = false;       // false when --benchmark_filter left it out
    std::string error;      // the call threw (the message), no times then
    double median_ms = 0, min_ms = 0, mean_ms = 0, stddev_ms = 0;
    double spread = 0;      // IQR / median of the repetitions' mean call times
    double cv = 0;          // stddev / mean of the same
    std::vector<double> repetition_ms;  // each repetition's mean call time, in order
    int64_t iterations = 0;  // calls per repetition
    int repetitions = 0;
};

// A row is noisy when its repetitions' IQR exceeds this fraction of the median.
inline constexpr double noisy_spread = 0.10;

// Forwards every benchmark's report to Google Benchmark's display reporter
// (the console, or what --benchmark_format asks for) and keeps its runs and
// the context, reported once across many RunSpecifiedBenchmarks calls.
class BenchReporter;

class BenchSession {
public:
    // After benchmark::Initialize. Google Benchmark's console table is shown
    // only when `verbose`; the records keep every repetition anyway.
    explicit BenchSession(bool verbose = false);
    ~BenchSession();
    BenchSession(const BenchSession&) = delete;
    BenchSession& operator=(const BenchSession&) = delete;

    // Registers one benchmark named `name` whose timed loop is only
    // primitive.execute(args) (inputs and workspace are the caller's, made
    // beforehand), with a FLOP-rate counter, real time, the given repetitions
    // and the median / min / mean / stddev aggregates, runs it, and clears it.
    Timing time(const std::string& name, const Primitive& primitive, const ConvArgs& args, double flops,
                const TimingOptions& options);

    // Google Benchmark's JSON objects of the runs timed since the last
    // take_records() (every repetition and aggregate, as its JSON reporter
    // writes them in "benchmarks"), handed over and forgotten; each time()
    // adds its own, so the cost does not grow with the run.
    std::vector<nlohmann::json> take_records();
    // Google Benchmark's "context" object (machine, caches, load); null
    // before anything ran.
    const nlohmann::json& context() const { return context_; }
    // Records not taken yet, and discarding those from `first` on, so that a
    // case timed again keeps only its second attempt's repetitions.
    size_t records_so_far() const { return records_.size(); }
    void discard_records_from(size_t first);

private:
    std::unique_ptr<BenchReporter> reporter_;
    nlohmann::json context_;
    std::vector<nlohmann::json> records_;
};

// Mean milliseconds per call of each phase the primitive reports, over `calls`
// extra untimed calls with ConvArgs::timing_phases set (these are separate from the
// timed calls, whose loop passes no TimingPhases). Empty when it reports none.
std::map<std::string, double> phase_breakdown_ms(const Primitive& primitive, ConvArgs args, int calls);

// Mean milliseconds per call of stage_in and stage_out together, over `calls`
// untimed calls: the layout conversions a caller holding the case's plain
// tensors pays around each timed call (0 for a primitive that stages nothing).
double staging_ms(const Primitive& primitive, const ConvArgs& args, int calls);

}  // namespace convlab
