// Everything the ISA files include, gathered so that they can include it
// BEFORE their `#pragma GCC target`: inline and template code of the standard
// library and of convlab must compile for the baseline ISA (one copy of it
// is kept at link time, and it must run on every CPU).
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "algorithms/direct/dispatch.hpp"
#include "algorithms/direct/plan.hpp"
#include "algorithms/direct/reorders.hpp"
#include "algorithms/timing_phases.hpp"
