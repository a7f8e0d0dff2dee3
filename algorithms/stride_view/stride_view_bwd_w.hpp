// stride_view's weight gradient (stride_view.cpp): the window view
// contracted with dy over (n, oh, ow) instead of with the weights over
// (c, kh, kw). Each work item owns a block of whole dw elements and sums them
// in a fixed order, so results are bit-identical on repeat and do not depend
// on the thread count.
#pragma once

#include "algorithms/problem.hpp"
#include "algorithms/stride_view/window_view.hpp"

namespace convlab {

// dw[oc][c][kh][kw] = Σ_(n,oh,ow) dy[n][oc][oh][ow] · view[n][c][oh][ow][kh][kw], every element written.
void stride_view_contract_weight_grad(const Problem& p, const WindowView& view, const float* dy, float* dw);

}  // namespace convlab
