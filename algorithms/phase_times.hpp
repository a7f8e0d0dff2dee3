// Per-phase time of an algorithm call, for the benchmark's breakdown columns
// (NNPACK-style: transform vs GEMM vs scatter).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace convlab {

class PhaseTimes {
public:
    void add(const std::string& phase, double seconds) {
        std::lock_guard lock(mutex_);
        seconds_[phase] += seconds;
    }
    const std::map<std::string, double>& seconds() const { return seconds_; }
    void clear() { seconds_.clear(); }

private:
    std::mutex mutex_;
    std::map<std::string, double> seconds_;
};

// Adds the time from construction to destruction to `phase`; free when times is null.
class PhaseScope {
public:
    PhaseScope(PhaseTimes* times, const char* phase) : times_(times), phase_(phase) {
        if (times_) start_ = std::chrono::steady_clock::now();
    }
    ~PhaseScope() {
        if (times_)
            times_->add(phase_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    PhaseScope(const PhaseScope&) = delete;
    PhaseScope& operator=(const PhaseScope&) = delete;

private:
    PhaseTimes* times_;
    const char* phase_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace convlab
