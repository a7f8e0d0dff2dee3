// The layouts of an engine that reads NHWC activations and packs its weights
// from any order (indirect, xnnpack): nchw:oihw (converted by the engine's
// own stage_in / stage_out), then nhwc with each weight layout, ohwi first.
#pragma once

#include <vector>

#include "algorithms/layout.hpp"

namespace convlab {

std::vector<Layout> nchw_and_every_nhwc();

}  // namespace convlab
