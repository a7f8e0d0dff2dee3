#include "harness/run/environment.hpp"

#include "algorithms/direct/isa.hpp"
#include "algorithms/direct/tuning.hpp"
#include "harness/io/shape_file.hpp"

namespace convlab {

void check_environment_settings() {
    direct::chosen_isa();
    direct::tuning_on();
    bundled_shapes_dir();
}

}  // namespace convlab
