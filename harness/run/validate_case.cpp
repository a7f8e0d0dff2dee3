#include "harness/run/validate_case.hpp"

#include <exception>

#include <fmt/format.h>

#include "harness/measure/float_mode.hpp"
#include "harness/verify/memory_guard.hpp"

namespace convlab {

Verdict validate_case(const Algorithm& algorithm, const Problem& p, Direction d, uint64_t seed, int threads,
                      Layout layout, const DataConditions& conditions) {
    Verdict v;
    try {
        const FloatModeScope float_mode(conditions.flush_denormals, threads);
        const Prepared prepared = algorithm.prepare_in(p, d, threads, layout);
        if (!prepared) {
            v.status = Status::skipped;
            v.reason = prepared.decline_reason;
            return v;
        }
        ensure_fits_in_memory(p, d, algorithm.name(), checker_copies, prepared.primitive->workspace_bytes());
        return check(*prepared.primitive, algorithm.contract(), p, d, seed, layout, conditions);
    } catch (const DoesNotFit&) {
        throw;  // bad input, not a failure of the algorithm
    } catch (const std::exception& e) {  // an algorithm that throws fails; the run goes on
        v.status = Status::failed;
        v.reason = fmt::format("threw: {}", e.what());
    }
    return v;
}

}  // namespace convlab
