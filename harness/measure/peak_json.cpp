// The measured peak as the results' metadata records it (peak.hpp).
#include <string>

#include "harness/measure/peak.hpp"

namespace convlab {

namespace {

template <class Value>
nlohmann::json keyed_by_threads(const std::map<int, Value>& values) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [threads, value] : values) out[std::to_string(threads)] = value;
    return out;
}

}  // namespace

nlohmann::json peak_json(const PeakFigures& f) {
    const std::string isa = f.isa;
    const std::string lanes = std::to_string(f.lanes);
    nlohmann::json method = {
        {"fma_gflops",
         "fp32 " + isa + " multiply-adds (" + lanes +
             " lanes, 2 FLOPs each) on independent accumulator chains in registers, N threads at once, "
             "best of 10 trials of about 2 ms, timed from barrier to barrier."},
        {"clock_ghz",
         "Dependent 1-cycle integer adds per second on each of N busy threads (each its best of 10 trials, then the mean): "
         "the clock the cores run at, which a VM's reported frequency may not be."},
        {"fma_units",
         "FLOP/cycle/core (1-thread FMA GFLOP/s over the 1-thread clock) divided by 2 x lanes: the vector FMA "
         "units a core behaves as having; fma_units_whole says it is within 5% of a whole number."},
        {"expected_fma_gflops",
         "cores x whole units x lanes x 2 x the clock seen with all cores busy; per core, with the 1-thread clock. "
         "Whole units: fma_units rounded when within 5% of a whole number, else rounded up (a busy core reads "
         "fewer units, never more)."},
        {"triad_gb_s",
         "STREAM triad a = b + s*c over 3 arrays of triad_array_bytes each (by default >= 4x the last-level cache and >= 64 MiB) "
         "on bandwidth_threads threads, best of 5, counting 12 bytes per element (the write-allocate read of a "
         "is not counted)."},
        {"peak_suspect",
         "Each N-thread FMA figure must reach 0.9 x n x the 1-thread figure, lie within 10% of "
         "expected_fma_gflops_at (n x whole units x lanes x 2 x clock_ghz[N], n = min(N, cores, usable_cpus)) "
         "and run on n distinct CPUs (fma_cpus); otherwise it is rerun after a pause (fma_retries), and if it still "
         "disagrees peak_suspect says why and fma_gflops_used, which peak_fraction divides by, is the expected figure."},
        {"l2_gb_s",
         "The same triad with each thread's 3 arrays together in half of its L2 (l2_array_bytes_per_thread each), "
         "many passes per trial, best of 20 trials of about 2 ms, 12 bytes per element."},
    };
    return {
        {"isa", f.isa},
        {"lanes", f.lanes},
        {"cores", f.cores},
        {"fma_gflops", keyed_by_threads(f.fma_gflops)},
        {"clock_ghz", keyed_by_threads(f.clock_ghz)},
        {"observed_clock_ghz", f.observed_clock_ghz},
        {"fma_flops_per_cycle_per_core", f.fma_flops_per_cycle_per_core},
        {"fma_units", f.fma_units},
        {"fma_units_whole", f.fma_units_whole},
        {"expected_fma_gflops_per_core", f.expected_fma_gflops_per_core},
        {"expected_fma_gflops", f.expected_fma_gflops},
        {"bandwidth_threads", f.bandwidth_threads},
        {"triad_gb_s", f.triad_gb_s},
        {"triad_array_bytes", f.triad_array_bytes},
        {"l2_gb_s", f.l2_gb_s},
        {"l2_array_bytes_per_thread", f.l2_array_bytes_per_thread},
        {"seconds", f.seconds},
        {"usable_cpus", f.usable_cpus},
        {"oversubscribed", f.oversubscribed},
        {"fma_cpus", keyed_by_threads(f.fma_cpus)},
        {"expected_fma_gflops_at", keyed_by_threads(f.expected_fma_gflops_at)},
        {"fma_retries", keyed_by_threads(f.fma_retries)},
        {"peak_suspect", keyed_by_threads(f.peak_suspect)},
        {"fma_gflops_used", keyed_by_threads(f.fma_gflops_used)},
        {"method", method},
    };
}

}  // namespace convlab
