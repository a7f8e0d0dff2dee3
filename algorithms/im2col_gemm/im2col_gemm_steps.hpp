// The pieces im2col_gemm's driver (im2col_gemm.cpp, beside this file) puts
// together: the plan that sizes column blocks and workspace slices, and each
// direction's im2col / GEMM / col2im steps, for one image
// (im2col_gemm_steps.cpp) or for several small-plane images side by side
// (im2col_gemm_batched.cpp). Kept apart so the driver reads as the image loop
// and the threading alone.
#pragma once

#include <cstdint>

#include "algorithms/common/blas.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"

namespace convlab::im2col_gemm {

struct Plan {
    bool direct = false;         // input_is_column: no im2col, no workspace for columns
    int64_t k = 0;               // rows of the column matrix: icg * kh * kw
    int64_t rows_per_block = 0;  // output rows per column block
    int64_t block_bytes = 0;     // one thread's column block, 64-byte aligned
    int slices = 1;              // workspace slices: threads when images run in parallel, else 1
    int64_t images_per_block = 1;  // images whose columns share one GEMM
    int64_t slice_bytes = 0;  // one thread's columns (+ an ocg x columns matrix when images_per_block > 1)
    bool images_in_parallel() const { return slices > 1; }
};

// Built once per primitive, for the thread count it runs with.
Plan make_plan(const Problem& p, int threads);
// Workspace of direction d under `plan`: the column slices, and in bwd_w one
// private dW per thread but the first.
int64_t workspace_bytes(const Problem& p, const Plan& plan, Direction d);


// One image (every pointer at that image; w, b and dw whole), in blocks of
// plan.rows_per_block output rows, with `col` one thread's workspace slice.
void forward_image(const Problem& p, const Plan& plan, const float* x, const float* w, const float* b, float* y,
                   float* col, TimingPhases* timing_phases);
void backward_data_image(const Problem& p, const Plan& plan, const float* dy, const float* w, float* dx,
                         float* col, TimingPhases* timing_phases);
// dw = (accumulate ? dw : 0) + this image's weight gradient.
void backward_weights_image(const Problem& p, const Plan& plan, const float* x, const float* dy, float* dw,
                            bool accumulate, float* col, TimingPhases* timing_phases);

// `images` consecutive images (pointers at the first) with their columns side
// by side in one GEMM per group: for output planes too small for a GEMM of one image.
void forward_batch(const Problem& p, const Plan& plan, const float* x, const float* w, const float* b, float* y,
                   int64_t images, float* col, TimingPhases* timing_phases);
void backward_data_batch(const Problem& p, const Plan& plan, const float* dy, const float* w, float* dx,
                         int64_t images, float* col, TimingPhases* timing_phases);
// dw = (accumulate ? dw : 0) + dy_g * im2col(x)_g^T over the images side by side.
void backward_weights_batch(const Problem& p, const Plan& plan, const float* x, const float* dy, float* dw,
                            int64_t images, bool accumulate, float* col, TimingPhases* timing_phases);

}  // namespace convlab::im2col_gemm
