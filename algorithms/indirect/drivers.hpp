// The loops around the micro-kernels, on NHWC tensors: which tile of pixels,
// group and panel each call computes, over OpenMP threads. Every output
// element is computed by one kernel call in a fixed order, so the results do
// not depend on the thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/indirect/plan.hpp"

namespace convlab::indirect {

// y [mb][oh][ow][y_stride] (the group's channels from grp * ocg) from the
// forward indirection buffer over x and the forward panels.
void run_forward(const Plan& plan, const float* const* rows, const float* panels, float* y, int64_t y_stride);

// dx [mb][ih][iw][dx_stride], phase by phase: rows[k] and panels[k] are the
// indirection buffer over dy and the packed weights of plan.phases[k].
void run_backward_data(const Plan& plan, const std::vector<const float* const*>& rows,
                       const std::vector<const float*>& panels, float* dx, int64_t dx_stride);

// The staged dW [g][tap][icg_rows][ocg_cols] from the forward indirection
// buffer over x and dy [mb][oh][ow][dy_stride].
void run_weights_grad(const Plan& plan, const float* const* rows, const float* dy, int64_t dy_stride, float* dw);

}  // namespace convlab::indirect
