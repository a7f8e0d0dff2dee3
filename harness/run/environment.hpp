// The environment variables convlab reads, checked once where a command or a
// Python call starts, so that a bad value is a user error (exit status 2,
// ValueError) named before any case runs, not a failure deep in an engine:
//   CONVLAB_ISA         convlab's own kernels' ISA, within the ISA cap (algorithms/direct/isa.hpp)
//   CONVLAB_DIRECT_TUNE off: direct's model-chosen tile, untimed (algorithms/direct/tuning.hpp)
//   CONVLAB_SHAPES_DIR  the bundled shape sets (harness/io/shape_file.hpp)
// OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and the like are not read: every case
// sets its own thread count (set_threads); the metadata records them.
#pragma once

namespace convlab {

// Throws SettingError (algorithms/settings.hpp) for the first bad value.
void check_environment_settings();

}  // namespace convlab
