#include "harness/run/environment.hpp"

#include "algorithms/direct/isa.hpp"
#include "harness/io/shape_file.hpp"

namespace convlab {

void check_environment_settings() {
    direct::chosen_isa();
    bundled_shapes_dir();
}

}  // namespace convlab
