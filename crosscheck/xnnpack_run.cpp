// XNNPACK timed as its own users call it: NHWC input and output buffers
// filled once, the convolution operator created once with its weights
// ([g][oc/g][kh][kw][ic/g], packed by XNNPACK at creation) and set up once on
// those buffers with a pthreadpool of THREADS threads; the timed call is
// xnn_run_operator alone. XNNPACK has no backward convolution, so bwd_d and
// bwd_w print a decline. Nothing of convlab's XNNPACK code is used: only its
// descriptor grammar. Problems whose bottom or right padding is negative are
// declined here (convlab's baseline narrows the input instead).
#include <pthreadpool.h>
#include <xnnpack.h>

#include <cmath>
#include <string>
#include <vector>

#include "crosscheck/standalone.hpp"

using convlab::Direction;
using convlab::Problem;
namespace cc = convlab::crosscheck;

namespace {

constexpr const char* library = "xnnpack";

std::string failed(const char* call, xnn_status status) {
    return std::string("XNNPACK: ") + call + " failed, status " + std::to_string(int(status));
}

}  // namespace

int main(int argc, char** argv) {
    const cc::Request r = cc::parse_request(argc, argv, argv[0]);
    const Problem& p = r.problem;
    if (r.direction != Direction::fwd) {
        cc::print_declined(library, r, "XNNPACK has no backward convolution");
        return 0;
    }
    if (p.ph_bottom() < 0 || p.pw_right() < 0) {
        cc::print_declined(library, r, "negative bottom or right padding");
        return 0;
    }
    if (xnn_status s = xnn_initialize(nullptr); s != xnn_status_success) {
        cc::print_declined(library, r, failed("xnn_initialize", s));
        return 0;
    }
    std::vector<float> x(size_t(p.x_elems())), w(size_t(p.w_elems())), b(size_t(p.oc)), y(size_t(p.y_elems()));
    cc::fill_uniform(x.data(), (long long)x.size(), 1);  // NHWC: the values' order does not matter to the time
    cc::fill_uniform(w.data(), (long long)w.size(), 2);  // already in XNNPACK's order, for the same reason
    cc::fill_uniform(b.data(), (long long)b.size(), 3);
    pthreadpool_t pool = pthreadpool_create(size_t(r.threads));
    xnn_operator_t op = nullptr;
    xnn_status s = xnn_create_convolution2d_nhwc_f32(
        uint32_t(p.ph), uint32_t(p.pw_right()), uint32_t(p.ph_bottom()), uint32_t(p.pw), uint32_t(p.kh),
        uint32_t(p.kw), uint32_t(p.sh), uint32_t(p.sw), uint32_t(p.dh + 1), uint32_t(p.dw + 1), uint32_t(p.g),
        size_t(p.icg()), size_t(p.ocg()), size_t(p.ic), size_t(p.oc), w.data(), b.data(), -INFINITY, INFINITY, 0,
        &op);
    if (s != xnn_status_success) {
        cc::print_declined(library, r, failed("xnn_create_convolution2d_nhwc_f32", s));
    } else if (s = xnn_setup_convolution2d_nhwc_f32(op, size_t(p.mb), size_t(p.ih), size_t(p.iw), x.data(), y.data(),
                                                    pool);
               s != xnn_status_success) {
        cc::print_declined(library, r, failed("xnn_setup_convolution2d_nhwc_f32", s));
    } else {
        xnn_status run_status = xnn_status_success;
        const cc::CallTimes times = cc::time_calls(
            [&] {
                if (xnn_status status = xnn_run_operator(op, pool); status != xnn_status_success) run_status = status;
            },
            r.repetitions, r.min_time_s);
        if (run_status != xnn_status_success)
            cc::print_declined(library, r, failed("xnn_run_operator", run_status));
        else
            cc::print_result(library, r, times, "XNNPACK NHWC f32 convolution");
    }
    xnn_delete_operator(op);
    pthreadpool_destroy(pool);
    return 0;
}
