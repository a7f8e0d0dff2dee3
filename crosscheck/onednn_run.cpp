// oneDNN timed as its own users call it (benchdnn's way): a convolution
// primitive on format_tag::any memory, in the layouts oneDNN picks, with the
// reorders from plain NCHW done once before timing; the timed call is
// primitive::execute and stream::wait. Built twice: crosscheck_onednn_native
// (algorithm::convolution_direct) and crosscheck_onednn_winograd
// (algorithm::convolution_winograd), named after the convlab baselines they
// check. Nothing of convlab's oneDNN code is used: only its descriptor grammar.
#include <dnnl.hpp>
#include <omp.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "crosscheck/standalone.hpp"

using namespace dnnl;
using convlab::Direction;
using convlab::Problem;
namespace cc = convlab::crosscheck;

namespace {

#ifdef CROSSCHECK_WINOGRAD
constexpr const char* library = "onednn_winograd";
constexpr algorithm conv_algorithm = algorithm::convolution_winograd;
#else
constexpr const char* library = "onednn_native";
constexpr algorithm conv_algorithm = algorithm::convolution_direct;
#endif

using dims = memory::dims;
using tag = memory::format_tag;
constexpr auto f32 = memory::data_type::f32;

struct Shapes {
    memory::desc x, w, b, y;  // format_tag::any, except the bias
    memory::desc x_plain, w_plain, y_plain;
    dims strides, dilates, pad_l, pad_r;
};

Shapes shapes_of(const Problem& p) {
    const dims x = {p.mb, p.ic, p.ih, p.iw}, y = {p.mb, p.oc, p.oh, p.ow};
    const dims w = p.g > 1 ? dims{p.g, p.ocg(), p.icg(), p.kh, p.kw} : dims{p.oc, p.ic, p.kh, p.kw};
    const tag w_tag = p.g > 1 ? tag::goihw : tag::oihw;
    return {{x, f32, tag::any}, {w, f32, tag::any}, {{p.oc}, f32, tag::x}, {y, f32, tag::any},
            {x, f32, tag::nchw}, {w, f32, w_tag}, {y, f32, tag::nchw},
            {p.sh, p.sw}, {p.dh, p.dw}, {p.ph, p.pw}, {p.ph_bottom(), p.pw_right()}};
}

// A buffer in the chosen layout, filled through a reorder from plain values.
memory filled(const engine& eng, stream& s, const memory::desc& chosen, const memory::desc& plain, unsigned seed) {
    memory user(plain, eng), target(chosen, eng);
    cc::fill_uniform(static_cast<float*>(user.get_data_handle()), (long long)(plain.get_size() / sizeof(float)), seed);
    reorder(user, target).execute(s, user, target);
    s.wait();
    return target;
}

}  // namespace

int main(int argc, char** argv) {
    const cc::Request r = cc::parse_request(argc, argv, argv[0]);
    omp_set_num_threads(r.threads);  // oneDNN's OpenMP runtime sizes its kernels from it
    const Problem& p = r.problem;
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    const Shapes sh = shapes_of(p);
    try {
        const convolution_forward::desc fwd_desc(prop_kind::forward_training, conv_algorithm, sh.x, sh.w, sh.b, sh.y,
                                                 sh.strides, sh.dilates, sh.pad_l, sh.pad_r);
        const convolution_forward::primitive_desc fwd_pd(fwd_desc, eng);
        primitive conv;
        std::unordered_map<int, memory> args;
        std::string implementation;
        if (r.direction == Direction::fwd) {
            conv = convolution_forward(fwd_pd);
            implementation = fwd_pd.impl_info_str();
            args = {{DNNL_ARG_SRC, filled(eng, s, fwd_pd.src_desc(), sh.x_plain, 1)},
                    {DNNL_ARG_WEIGHTS, filled(eng, s, fwd_pd.weights_desc(), sh.w_plain, 2)},
                    {DNNL_ARG_BIAS, filled(eng, s, sh.b, sh.b, 3)},
                    {DNNL_ARG_DST, memory(fwd_pd.dst_desc(), eng)}};
        } else if (r.direction == Direction::bwd_d) {
            const convolution_backward_data::desc desc(conv_algorithm, sh.x, sh.w, sh.y, sh.strides, sh.dilates,
                                                       sh.pad_l, sh.pad_r);
            const convolution_backward_data::primitive_desc pd(desc, eng, fwd_pd);
            conv = convolution_backward_data(pd);
            implementation = pd.impl_info_str();
            args = {{DNNL_ARG_DIFF_DST, filled(eng, s, pd.diff_dst_desc(), sh.y_plain, 1)},
                    {DNNL_ARG_WEIGHTS, filled(eng, s, pd.weights_desc(), sh.w_plain, 2)},
                    {DNNL_ARG_DIFF_SRC, memory(pd.diff_src_desc(), eng)}};
        } else {
            const convolution_backward_weights::desc desc(conv_algorithm, sh.x, sh.w, sh.b, sh.y, sh.strides,
                                                          sh.dilates, sh.pad_l, sh.pad_r);
            const convolution_backward_weights::primitive_desc pd(desc, eng, fwd_pd);
            conv = convolution_backward_weights(pd);
            implementation = pd.impl_info_str();
            args = {{DNNL_ARG_SRC, filled(eng, s, pd.src_desc(), sh.x_plain, 1)},
                    {DNNL_ARG_DIFF_DST, filled(eng, s, pd.diff_dst_desc(), sh.y_plain, 2)},
                    {DNNL_ARG_DIFF_WEIGHTS, memory(pd.diff_weights_desc(), eng)},
                    {DNNL_ARG_DIFF_BIAS, memory(sh.b, eng)}};
        }
        const cc::CallTimes times = cc::time_calls(
            [&] {
                conv.execute(s, args);
                s.wait();
            },
            r.repetitions, r.min_time_s);
        cc::print_result(library, r, times, implementation);
    } catch (const dnnl::error& e) {
        cc::print_declined(library, r, std::string("oneDNN: ") + e.what());
    }
    return 0;
}
