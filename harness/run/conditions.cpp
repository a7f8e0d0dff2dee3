#include "harness/run/conditions.hpp"

#include "harness/measure/float_mode.hpp"

namespace convlab {

nlohmann::json data_conditions_json(const DataConditions& conditions) {
    return {{"data", to_string(conditions.data)},
            {"ftz", conditions.flush_denormals ? "on" : "off"},
            {"float_mode_default", to_string(this_thread_float_mode())}};
}

}  // namespace convlab
