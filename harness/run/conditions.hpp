// The data and floating-point mode of a run as its metadata records them.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/verify/data.hpp"

namespace convlab {

// {"data": "denormal:0.1", "ftz": "on", "float_mode_default": "off"}: the
// requested conditions, and the mode the process started in (what a case runs
// in when nothing sets it), read from this thread's MXCSR.
nlohmann::json data_conditions_json(const DataConditions& conditions);

}  // namespace convlab
