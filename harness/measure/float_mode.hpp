// The floating-point mode a case runs in: flush-to-zero (FTZ: results below
// 2^-126 become 0) and denormals-are-zero (DAZ: subnormal inputs read as 0),
// two MXCSR bits of each thread. A subnormal operand costs a microcode assist
// of ~100 cycles on many x86 cores unless these are set, so a timing on
// subnormal data depends on them (--ftz).
//
// MXCSR is per thread: setting it on the calling thread leaves the OpenMP
// team as it was. FloatModeScope sets it on the caller and on every thread of
// the team of `threads` threads, then reads it back on each; the OpenMP
// runtime is one libgomp shared by convlab, OpenBLAS, oneDNN, FFTW's callers
// and libtorch, so that team is the one they run on. A thread created inside
// the scope (XNNPACK's pthreadpool, made at prepare) inherits the creator's
// mode: glibc's pthread_create copies the floating-point environment.
#pragma once

#include <string>
#include <vector>

namespace convlab {

struct FloatMode {
    bool ftz = false;
    bool daz = false;
    bool operator==(const FloatMode&) const = default;
};

FloatMode this_thread_float_mode();
void set_this_thread_float_mode(FloatMode mode);

// Sets `mode` on each of a team of `threads` OpenMP threads; returns the mode
// each thread had before (index = omp_get_thread_num()).
std::vector<FloatMode> set_team_float_mode(int threads, FloatMode mode);
// The mode of each thread of a team of `threads`.
std::vector<FloatMode> team_float_modes(int threads);

// "ftz+daz", "off", "ftz", "daz": how the metadata and errors name a mode.
std::string to_string(FloatMode mode);

// Sets FTZ and DAZ both on (flush) or both off on the caller and the team,
// checks each thread took it (std::runtime_error naming the thread if not),
// and restores every thread's previous mode when it ends.
class FloatModeScope {
public:
    // threads < 1: OpenMP's default team size.
    FloatModeScope(bool flush, int threads);
    ~FloatModeScope();
    FloatModeScope(const FloatModeScope&) = delete;
    FloatModeScope& operator=(const FloatModeScope&) = delete;

private:
    int threads_;
    FloatMode caller_before_;
    std::vector<FloatMode> team_before_;
};

}  // namespace convlab
