#include "harness/analysis/significance.hpp"

#include <fmt/format.h>

namespace convlab {

std::string significance_rule() {
    return fmt::format("two-sided Mann-Whitney U on the raw JSON's repetitions, p < {:g}, where both sides have at "
                       "least {} (below that the test cannot reach p < {:g})",
                       significance_alpha, min_repetitions_for_test, significance_alpha);
}

}  // namespace convlab
