// The data and floating-point mode of a run as its metadata records them.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/verify/data.hpp"

namespace convlab {

// {"data": "denormal:0.1", "ftz": "on", "float_mode_default": "off"}: the
// requested conditions, and the mode the process started in (what a case runs
// in when nothing sets it), read from this thread's MXCSR.
nlohmann::json data_conditions_json(const DataConditions& conditions);

// The process's ISA cap (--isa, algorithms/machine.hpp) and what each kind
// of code ran under it: {"cap": "avx2", "cpu": "avx512", "convlab": "avx2",
// "onednn": "avx2", "libxsmm": "hsw", "xnnpack": ..., "libtorch": ...,
// "openblas": ..., "compiled_loops": ...}. Initialises oneDNN and LIBXSMM
// under the cap, so it is called after the cap is set.
nlohmann::json isa_conditions_json();

}  // namespace convlab
