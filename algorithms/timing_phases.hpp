// The timing phases of an algorithm call: time per named part (im2col, gemm,
// reorder_in, ...), for the benchmark's breakdown columns phase_<name>_ms
// (NNPACK-style: transform vs GEMM vs scatter). "Timing phase" is this and
// only this; the direct engine's backward data has stride phases, and fft a
// polyphase split.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace convlab {

class TimingPhases {
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

// Adds the time from construction to destruction to timing phase `phase`; free when times is null.
class TimingPhaseScope {
public:
    TimingPhaseScope(TimingPhases* times, const char* phase) : times_(times), phase_(phase) {
        if (times_) start_ = std::chrono::steady_clock::now();
    }
    ~TimingPhaseScope() {
        if (times_)
            times_->add(phase_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    }
    TimingPhaseScope(const TimingPhaseScope&) = delete;
    TimingPhaseScope& operator=(const TimingPhaseScope&) = delete;

private:
    TimingPhases* times_;
    const char* phase_;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace convlab
