#include "harness/run/conditions.hpp"

#include <cblas.h>

#include <fmt/format.h>

#include "algorithms/direct/isa.hpp"
#include "algorithms/libxsmm/libxsmm.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/onednn/onednn_common.hpp"
#include "harness/measure/float_mode.hpp"

namespace convlab {

nlohmann::json data_conditions_json(const DataConditions& conditions) {
    return {{"data", to_string(conditions.data)},
            {"ftz", conditions.flush_denormals ? "on" : "off"},
            {"float_mode_default", to_string(this_thread_float_mode())}};
}

nlohmann::json isa_conditions_json() {
    const auto cap = isa_cap();
    const bool lowered = this_machine().isa < this_cpu().isa;
    const char* openblas_core = openblas_get_corename();
    return {{"cap", isa_cap_name(cap)},
            {"cpu", to_string(this_cpu().isa)},
            {"convlab", to_string(direct::chosen_isa())},  // the run-time kernels; CONVLAB_ISA may narrow them
            {"onednn", onednn_effective_isa()},
            {"libxsmm", libxsmm_target_arch()},
            {"xnnpack", lowered ? "declines: its kernels cannot be capped" : "the CPU's widest"},
            {"libtorch", cap ? fmt::format("ATEN_CPU_CAPABILITY={} before it loads; oneDNN as above", to_string(*cap))
                             : std::string("the CPU's widest; oneDNN as above")},
            // Chosen when the library loaded, before any option was read.
            {"openblas", fmt::format("{}: not capped (OPENBLAS_CORETYPE at load)", openblas_core ? openblas_core : "?")},
            {"compiled_loops", "not capped: the code the compiler vectorises keeps the build's target "
                               "(compiler flags above)"}};
}

}  // namespace convlab
