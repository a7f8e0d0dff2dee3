#include "harness/measure/peak.hpp"

#include <cpuinfo.h>
#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "harness/measure/affinity.hpp"
#include "algorithms/machine.hpp"
#include "harness/measure/cache.hpp"
#include "harness/measure/peak_kernels.hpp"

namespace convlab {

namespace {

using Clock = std::chrono::steady_clock;

// Long enough per trial that fork/join and timer overhead are < 1%; short, so
// that on a loaded machine (time slices of a few ms) some of the trials run
// uninterrupted, and the best of them is the machine's figure.
constexpr double trial_seconds = 0.002;
constexpr double whole_units_tolerance = 0.05;

void require_cpuinfo() {
    if (!cpuinfo_initialize()) throw std::runtime_error("cpuinfo_initialize failed: cannot tell the CPU's ISA");
}

void require_threads(int threads) {
    if (threads < 1) throw std::invalid_argument("peak: thread count must be >= 1, got " + std::to_string(threads));
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Wall seconds for `threads` threads to each run work(thread) once, from a
// barrier before to a barrier after. The start is read before a barrier that
// no thread passes until it is read: read after it, a thread sharing the
// master's CPU could run its whole share before the master read the clock,
// and the time would miss that share.
template <class Work>
double timed_parallel(int threads, const Work& work) {
    double seconds = 0;
    int team = 0;
    Clock::time_point start;
#pragma omp parallel num_threads(threads)
    {
#pragma omp single
        team = omp_get_num_threads();
#pragma omp master
        start = Clock::now();
#pragma omp barrier
        work(omp_get_thread_num());
#pragma omp barrier
#pragma omp master
        seconds = seconds_since(start);
    }
    if (team != threads)
        throw std::runtime_error("peak: asked OpenMP for " + std::to_string(threads) + " threads, got " +
                                 std::to_string(team));
    return seconds;
}

// Doubles `count` from 1 until run(count) takes a tenth of a trial, then
// scales it to a whole trial.
template <class Run>
int64_t calibrated_count(const Run& run) {
    for (int64_t count = 1;; count *= 2) {
        const auto start = Clock::now();
        run(count);
        const double seconds = seconds_since(start);
        if (seconds >= trial_seconds / 10 || count >= (int64_t(1) << 40))
            return std::max<int64_t>(1, int64_t(double(count) * trial_seconds / std::max(seconds, 1e-9)));
    }
}

float run_fma(VectorIsa isa, int64_t iterations) {
    switch (isa) {
        case VectorIsa::avx512f: return peak_kernels::fma_chains_avx512(iterations);
        case VectorIsa::avx2_fma: return peak_kernels::fma_chains_avx2(iterations);
        case VectorIsa::sse: return peak_kernels::fma_chains_sse(iterations);
    }
    return 0;
}

int chains(VectorIsa isa) {
    switch (isa) {
        case VectorIsa::avx512f: return peak_kernels::avx512_chains;
        case VectorIsa::avx2_fma: return peak_kernels::avx2_chains;
        case VectorIsa::sse: return peak_kernels::sse_chains;
    }
    return 0;
}

// Stored with every kernel's result, so no call can be optimised away.
std::atomic<float> fma_sink{0};

// 2 MiB-aligned floats, with transparent huge pages asked for: a triad over
// hundreds of MiB should measure DRAM, not page walks.
struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
};
using Floats = std::unique_ptr<float[], FreeDeleter>;
Floats huge_floats(int64_t count) {
    constexpr size_t huge_page = size_t(2) << 20;
    const size_t bytes = (size_t(count) * sizeof(float) + huge_page - 1) / huge_page * huge_page;
    void* p = std::aligned_alloc(huge_page, bytes);
    if (!p) throw std::bad_alloc();
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without it the figures stand, a little lower
    return Floats(static_cast<float*>(p));
}

}  // namespace

std::string_view to_string(VectorIsa isa) {
    switch (isa) {
        case VectorIsa::avx512f: return "avx512f";
        case VectorIsa::avx2_fma: return "avx2+fma";
        case VectorIsa::sse: return "sse";
    }
    return "?";
}

int lanes(VectorIsa isa) {
    switch (isa) {
        case VectorIsa::avx512f: return 16;
        case VectorIsa::avx2_fma: return 8;
        case VectorIsa::sse: return 4;
    }
    return 0;
}

std::vector<VectorIsa> available_vector_isas() {
    require_cpuinfo();
    std::vector<VectorIsa> isas{VectorIsa::sse};  // every x86-64 CPU has SSE2
    if (cpuinfo_has_x86_avx2() && cpuinfo_has_x86_fma3()) isas.push_back(VectorIsa::avx2_fma);
    if (cpuinfo_has_x86_avx512f()) isas.push_back(VectorIsa::avx512f);
    return isas;
}

VectorIsa widest_vector_isa() { return available_vector_isas().back(); }

double measure_fma_gflops(VectorIsa isa, int threads, int trials, std::vector<int>* cpus) {
    require_threads(threads);
    const auto isas = available_vector_isas();
    if (std::find(isas.begin(), isas.end(), isa) == isas.end())
        throw std::invalid_argument("peak: this CPU has no " + std::string(to_string(isa)));
    const int64_t iterations = calibrated_count([&](int64_t n) { fma_sink.store(run_fma(isa, n), std::memory_order_relaxed); });
    const double flops = double(iterations) * chains(isa) * lanes(isa) * 2 * threads;
    double best = 0;
    std::vector<int> ran_on(size_t(threads), -1);
    for (int t = 0; t < trials; ++t) {
        const double seconds = timed_parallel(threads, [&](int thread) {
            fma_sink.store(run_fma(isa, iterations), std::memory_order_relaxed);
            ran_on[size_t(thread)] = current_cpu();
        });
        best = std::max(best, flops / seconds * 1e-9);
    }
    if (cpus) *cpus = ran_on;
    return best;
}

double time_fma_work(int threads, int64_t iterations) {
    require_threads(threads);
    const VectorIsa isa = widest_vector_isa();
    return timed_parallel(threads, [&](int) { fma_sink.store(run_fma(isa, iterations), std::memory_order_relaxed); });
}

int64_t fma_iterations_for(double seconds) {
    const VectorIsa isa = widest_vector_isa();
    const int64_t trial = calibrated_count([&](int64_t n) { fma_sink.store(run_fma(isa, n), std::memory_order_relaxed); });
    return std::max<int64_t>(1, int64_t(double(trial) * seconds / trial_seconds));
}

double measure_clock_ghz(int threads, int trials) {
    require_threads(threads);
    const int64_t iterations = calibrated_count([](int64_t n) { peak_kernels::dependent_adds(n); });
    const double adds = double(iterations) * peak_kernels::adds_per_iteration;
    // Each thread times its own chain and keeps its best trial: the clock of
    // its core, whichever trials the scheduler interrupted.
    std::vector<double> best_ghz(size_t(threads), 0.0);
    for (int t = 0; t < trials; ++t) {
        bool counted = true;
        timed_parallel(threads, [&](int thread) {
            const auto start = Clock::now();
            const uint64_t done = peak_kernels::dependent_adds(iterations);
            const double ghz = adds / seconds_since(start) * 1e-9;
            best_ghz[size_t(thread)] = std::max(best_ghz[size_t(thread)], ghz);
            if (double(done) != adds) counted = false;
        });
        if (!counted) throw std::logic_error("peak: the add chain did not run adds_per_iteration adds per iteration");
    }
    double mean = 0;
    for (double g : best_ghz) mean += g / threads;
    return mean;
}

double measure_triad_gb_s(int64_t elements_per_thread, int threads, int passes, int trials) {
    require_threads(threads);
    if (elements_per_thread < 1 || passes < 0 || trials < 1)
        throw std::invalid_argument("peak: triad needs >= 1 element and trial, >= 0 passes");
    const int64_t n = elements_per_thread;
    const Floats a = huge_floats(n * threads), b = huge_floats(n * threads), c = huge_floats(n * threads);
    // First touch by the thread that will use each part (its memory node).
    timed_parallel(threads, [&](int t) {
        std::fill_n(a.get() + t * n, n, 0.0f);
        std::fill_n(b.get() + t * n, n, 1.0f);
        std::fill_n(c.get() + t * n, n, 2.0f);
    });
    const auto run = [&](int64_t count) {
        return timed_parallel(threads, [&](int t) {
            for (int64_t p = 0; p < count; ++p)
                peak_kernels::triad(a.get() + t * n, b.get() + t * n, c.get() + t * n, 3.0f, n);
        });
    };
    const int64_t count = passes > 0 ? passes : calibrated_count(run);
    double best = 0;
    for (int trial = 0; trial < trials; ++trial)
        best = std::max(best, 3.0 * sizeof(float) * double(n) * threads * double(count) / run(count) * 1e-9);
    if (a[0] != 7.0f || a[n * threads - 1] != 7.0f) throw std::logic_error("peak: triad computed a wrong value");
    return best;
}

double whole_fma_units(double units) {
    const double nearest = std::max(1.0, std::round(units));
    if (std::abs(units - nearest) <= whole_units_tolerance * nearest) return nearest;
    return std::max(1.0, std::ceil(units));
}

int64_t default_triad_array_bytes() { return std::max<int64_t>(4 * this_machine().last_level_bytes, int64_t(64) << 20); }

PeakFigures measure_peak(const std::vector<int>& thread_counts, const PeakOptions& options) {
    const auto start = Clock::now();
    for (int t : thread_counts) require_threads(t);
    if (options.triad_array_bytes < 0)
        throw std::invalid_argument("peak: triad_array_bytes must be >= 0, got " +
                                    std::to_string(options.triad_array_bytes));
    require_cpuinfo();
    PeakFigures f;
    const VectorIsa isa = widest_vector_isa();
    f.isa = to_string(isa);
    f.lanes = lanes(isa);
    f.cores = int(cpuinfo_get_cores_count());
    f.usable_cpus = usable_cpus();

    std::vector<int> counts = thread_counts;
    counts.push_back(1);
    std::sort(counts.begin(), counts.end());
    counts.erase(std::unique(counts.begin(), counts.end()), counts.end());
    for (int t : counts) {
        f.clock_ghz[t] = measure_clock_ghz(t);
        f.fma_gflops[t] = measure_fma_gflops(isa, t, 10, &f.fma_cpus[t]);
    }
    f.oversubscribed = counts.back() > f.usable_cpus;
    f.observed_clock_ghz = f.clock_ghz[1];
    f.fma_flops_per_cycle_per_core = f.fma_gflops[1] / f.observed_clock_ghz;
    f.fma_units = f.fma_flops_per_cycle_per_core / (2.0 * f.lanes);
    const double nearest = std::max(1.0, std::round(f.fma_units));
    f.fma_units_whole = std::abs(f.fma_units - nearest) <= whole_units_tolerance * nearest;
    const double whole = whole_fma_units(f.fma_units);
    f.expected_fma_gflops_per_core = whole * f.lanes * 2 * f.observed_clock_ghz;
    if (!f.clock_ghz.count(f.cores)) f.clock_ghz[f.cores] = measure_clock_ghz(f.cores);
    f.expected_fma_gflops = f.cores * whole * f.lanes * 2 * f.clock_ghz[f.cores];
    check_fma_peaks(f, [isa](int threads) {
        FmaSample sample;
        sample.gflops = measure_fma_gflops(isa, threads, 10, &sample.cpus);
        return sample;
    }, options);

    f.bandwidth_threads = counts.back();
    const int threads = f.bandwidth_threads;
    // Memory: each array split over the threads, each part a whole number of
    // 64-byte lines so that no line is shared between threads.
    const int64_t memory_bytes = options.triad_array_bytes > 0 ? options.triad_array_bytes : default_triad_array_bytes();
    const int64_t memory_elements = (memory_bytes / int64_t(sizeof(float)) + 16 * threads - 1) / (16 * threads) * 16;
    f.triad_array_bytes = memory_elements * threads * int64_t(sizeof(float));
    f.triad_gb_s = measure_triad_gb_s(memory_elements, threads, 1, 5);
    // L2: each thread's three arrays together in half of its L2, many passes per trial.
    const int64_t l2_elements = std::max<int64_t>(16, this_machine().l2_bytes / 2 / 3 / int64_t(sizeof(float)) / 16 * 16);
    f.l2_array_bytes_per_thread = l2_elements * int64_t(sizeof(float));
    f.l2_gb_s = measure_triad_gb_s(l2_elements, threads, 0, 20);
    f.seconds = seconds_since(start);
    return f;
}

}  // namespace convlab
