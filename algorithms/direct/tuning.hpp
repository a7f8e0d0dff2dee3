// Where the model cannot tell the close register tiles apart (plan.cpp's
// close_tiles: scored within 10% of its choice), prepare times each on the
// real problem and keeps the fastest: a few calls of each candidate plan on
// scratch tensors, at a minibatch of at most two (the tile works on one
// image's rows; fewer images keep the calls short), within a budget of about
// 60 ms for the whole tuning, outside the timed call.
// CONVLAB_DIRECT_TUNE=off keeps the model's choice (deterministic plans, and
// the model alone for comparison); on (the default) tunes.
#pragma once

#include "algorithms/direct/plan.hpp"

namespace convlab::direct {

// CONVLAB_DIRECT_TUNE: false for off, true for on or unset; a SettingError otherwise.
bool tuning_on();

// The plan of make_plan(p, d, threads, machine, layout, staged, rank) for the
// fastest rank; *tuned says whether it was timed (more than one close tile).
Plan tuned_plan(const Problem& p, Direction d, int threads, const Machine& machine, Layout layout, bool staged,
                bool* tuned);

}  // namespace convlab::direct
