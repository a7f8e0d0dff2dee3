// An algorithm's metadata as `convlab list --json` gives it (name, family,
// description, directions on the probe problem, contract, properties): one
// function for the command and the Python module's convlab.algorithms().
#pragma once

#include <nlohmann/json.hpp>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab {

// A plain 3x3 stride-1 layer that every algorithm able to do a direction at
// all accepts (Winograd's restrictions included): the directions listed are
// those accepted on it.
inline constexpr const char* list_probe_problem = "mb2ic16ih8oc16kh3ph1";

nlohmann::json algorithm_json(const Algorithm& algorithm, const Problem& probe);

}  // namespace convlab
