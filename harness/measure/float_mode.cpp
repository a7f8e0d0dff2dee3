#include "harness/measure/float_mode.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <omp.h>
#include <xmmintrin.h>

namespace convlab {
namespace {

constexpr unsigned ftz_bit = 1u << 15;  // MXCSR.FZ
constexpr unsigned daz_bit = 1u << 6;   // MXCSR.DAZ

}  // namespace

FloatMode this_thread_float_mode() {
    const unsigned csr = _mm_getcsr();
    return {(csr & ftz_bit) != 0, (csr & daz_bit) != 0};
}

void set_this_thread_float_mode(FloatMode mode) {
    unsigned csr = _mm_getcsr() & ~(ftz_bit | daz_bit);
    if (mode.ftz) csr |= ftz_bit;
    if (mode.daz) csr |= daz_bit;
    _mm_setcsr(csr);
}

std::vector<FloatMode> set_team_float_mode(int threads, FloatMode mode) {
    std::vector<FloatMode> before(static_cast<size_t>(threads));
#pragma omp parallel num_threads(threads)
    {
        before[size_t(omp_get_thread_num())] = this_thread_float_mode();
        set_this_thread_float_mode(mode);
    }
    return before;
}

std::vector<FloatMode> team_float_modes(int threads) {
    std::vector<FloatMode> modes(static_cast<size_t>(threads));
#pragma omp parallel num_threads(threads)
    modes[size_t(omp_get_thread_num())] = this_thread_float_mode();
    return modes;
}

std::string to_string(FloatMode mode) {
    if (mode.ftz && mode.daz) return "ftz+daz";
    if (mode.ftz) return "ftz";
    if (mode.daz) return "daz";
    return "off";
}

FloatModeScope::FloatModeScope(bool flush, int threads)
    : threads_(threads > 0 ? threads : omp_get_max_threads()), caller_before_(this_thread_float_mode()) {
    const FloatMode mode{flush, flush};
    set_this_thread_float_mode(mode);
    team_before_ = set_team_float_mode(threads_, mode);
    const std::vector<FloatMode> now = team_float_modes(threads_);
    for (size_t t = 0; t < now.size(); ++t)
        if (!(now[t] == mode)) {
            set_team_float_mode(threads_, caller_before_);
            set_this_thread_float_mode(caller_before_);
            throw std::runtime_error(fmt::format("OpenMP thread {} of {} is in float mode {} after setting {}", t,
                                                 threads_, to_string(now[t]), to_string(mode)));
        }
}

FloatModeScope::~FloatModeScope() {
#pragma omp parallel num_threads(threads_)
    set_this_thread_float_mode(team_before_[size_t(omp_get_thread_num())]);
    set_this_thread_float_mode(caller_before_);
}

}  // namespace convlab
