// The machine's peak, measured rather than read from a data sheet: what the
// results are placed against (fraction of peak, roofline bound).
//
//  * FMA throughput: fp32 multiply-adds of the widest vector ISA the CPU has
//    (cpuinfo, at run time), many independent chains per thread, on N threads
//    at once, for each requested N; best of a few short trials.
//  * The clock those cores run at, observed with a chain of dependent 1-cycle
//    integer adds (a VM hides the real frequency; this sees it).
//  * The check tying the two together: measured FLOP/cycle/core divided by
//    2 x lanes is the number of vector FMA units the core behaves as having; a
//    real core has a whole number of them, so a figure within 5% of a whole
//    number says both probes saw the same cores at the same clock, and
//    expected = cores x units x lanes x 2 x clock is the machine's FMA peak.
//    A core that lowers its clock for wide vectors (some Intel parts under
//    AVX-512) falls short of a whole number, and the figures say so.
//  * Memory bandwidth: STREAM triad over arrays far beyond the last-level
//    cache on all threads, and the same triad on arrays resident in L2.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace convlab {

enum class VectorIsa { sse, avx2_fma, avx512f };
std::string_view to_string(VectorIsa isa);  // "sse", "avx2+fma", "avx512f"
int lanes(VectorIsa isa);                   // fp32 lanes: 4, 8, 16
// What the CPU and OS support, narrowest first, per cpuinfo.
std::vector<VectorIsa> available_vector_isas();
VectorIsa widest_vector_isa();

// GFLOP/s of `threads` threads each running its own FMA chains at once; best
// of `trials`. Throws std::invalid_argument for an ISA the CPU lacks or
// threads < 1, std::runtime_error if OpenMP gives fewer threads. With `cpus`,
// fills it with the CPU each thread ran on at the end of the last trial.
double measure_fma_gflops(VectorIsa isa, int threads, int trials = 10, std::vector<int>* cpus = nullptr);
// The noise sentinel's workload (sentinel.hpp): wall seconds for `threads`
// threads to each run `iterations` steps of the widest ISA's FMA chains at
// once, one trial; and the iterations that take about `seconds` on one thread.
double time_fma_work(int threads, int64_t iterations);
int64_t fma_iterations_for(double seconds);
// GHz seen by `threads` threads each running a dependent-add chain at once
// (the mean over the threads of each one's best of `trials`).
double measure_clock_ghz(int threads, int trials = 10);
// STREAM triad on `threads` threads, each on its own `elements_per_thread`
// floats of each of a, b, c, `passes` times per trial (0: as many as fill a
// trial of a few milliseconds); best of `trials`.
// GB/s counting 3 x 4 bytes per element (STREAM's convention: the
// write-allocate read of a is not counted, so memory moves 4/3 of this).
double measure_triad_gb_s(int64_t elements_per_thread, int threads, int passes, int trials);

struct PeakFigures {
    std::string isa;  // to_string(widest_vector_isa())
    int lanes = 0;
    int cores = 0;                       // physical cores, cpuinfo
    std::map<int, double> fma_gflops;    // per thread count (1 always measured)
    std::map<int, double> clock_ghz;     // observed with that many threads busy (those above and `cores`)
    double observed_clock_ghz = 0;       // clock_ghz[1]
    double fma_flops_per_cycle_per_core = 0;  // fma_gflops[1] / observed_clock_ghz
    double fma_units = 0;                // fma_flops_per_cycle_per_core / (2 x lanes)
    bool fma_units_whole = false;        // fma_units within 5% of a whole number >= 1
    double expected_fma_gflops_per_core = 0;  // whole_fma_units(fma_units) x lanes x 2 x observed clock
    double expected_fma_gflops = 0;      // cores x the same at the clock seen with `cores` threads busy
    int usable_cpus = 0;                 // CPUs in the affinity mask (affinity.hpp)
    bool oversubscribed = false;         // a thread count above usable_cpus (the user allowed it)
    std::map<int, std::vector<int>> fma_cpus;       // the CPU each thread of the N-thread FMA probe ran on
    std::map<int, double> expected_fma_gflops_at;   // check_fma_peaks: what N threads can do at clock_ghz[N]
    std::map<int, int> fma_retries;                 // times the N-thread probe was rerun because it disagreed
    std::map<int, std::string> peak_suspect;        // thread counts whose measured figure is not believed: why
    std::map<int, double> fma_gflops_used;          // what placements divide by: measured, or expected if suspect
    int bandwidth_threads = 0;           // the largest thread count asked for
    double triad_gb_s = 0;               // arrays beyond the last-level cache
    int64_t triad_array_bytes = 0;       // per array, all threads together
    double l2_gb_s = 0;                  // arrays in half of each thread's L2
    int64_t l2_array_bytes_per_thread = 0;
    double seconds = 0;                  // the whole probe
};

// The whole number of FMA units a core has, from the measured fma_units: the
// nearest whole number when within 5% of it, else the next one up, because a
// busy core or a lowered clock makes a core read fewer units, never more
// (1.45 read on a busy 2-unit core is 2, not 1: rounding down would halve the
// clock-derived peak and double every fraction that divides by it).
double whole_fma_units(double units);

// max(4 x this_machine().last_level_bytes, 64 MiB): the size of each triad array
// for a memory figure (smaller arrays partly stay in the cache).
int64_t default_triad_array_bytes();

// One run of the N-thread FMA probe: GFLOP/s and the CPU each thread ran on.
struct FmaSample {
    double gflops = 0;
    std::vector<int> cpus;
};
using FmaProbe = std::function<FmaSample(int threads)>;

struct PeakOptions {
    int64_t triad_array_bytes = 0;  // each triad array; 0: default_triad_array_bytes()
    int retries = 2;                // reruns of an N-thread FMA probe that disagrees (check_fma_peaks)
    std::chrono::milliseconds retry_pause{300};  // before each rerun: a time slice for whatever else runs
};

// The self-check of every measured thread count N > 1. With n = min(N, cores,
// usable_cpus), the CPUs N threads can really use, the N-thread figure must be
// at least 0.9 x n x the 1-thread figure, within 10% of
// expected_fma_gflops_at[N] = n x whole_fma_units x lanes x 2 x clock_ghz[N],
// and its threads must have run on n distinct CPUs (when fma_cpus knows).
// A busy core or a narrow affinity mask breaks one of these. While it
// disagrees, the probe is rerun after a pause (at most options.retries times);
// a figure that still disagrees is kept in fma_gflops but recorded in
// peak_suspect with the reason, and fma_gflops_used[N] is the expected figure.
// Needs fma_gflops, fma_cpus, clock_ghz, cores, usable_cpus, lanes, fma_units.
void check_fma_peaks(PeakFigures& figures, const FmaProbe& probe, const PeakOptions& options = {});

// Measures everything above for each thread count (each >= 1; 1 is added if
// missing); about 1 s on an idle 2-core machine, half of it the kernel
// providing the triad's fresh pages. Throws std::invalid_argument on a bad
// thread count or a negative size, std::runtime_error when cpuinfo fails.
PeakFigures measure_peak(const std::vector<int>& thread_counts, const PeakOptions& options = {});

// nlohmann::json of the figures: fma_gflops {"1": ..., "2": ...}, clock_ghz,
// triad_gb_s, l2_gb_s, isa, lanes, cores, observed_clock_ghz,
// fma_flops_per_cycle_per_core, fma_units, fma_units_whole,
// expected_fma_gflops_per_core, expected_fma_gflops, bandwidth_threads,
// triad_array_bytes, l2_array_bytes_per_thread, seconds, usable_cpus,
// oversubscribed, fma_cpus, expected_fma_gflops_at, fma_retries, peak_suspect
// ({"2": reason}, empty when every figure agrees), fma_gflops_used, and method: one
// sentence per figure saying how it was measured.
nlohmann::json peak_json(const PeakFigures& figures);

}  // namespace convlab
