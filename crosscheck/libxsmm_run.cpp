// LIBXSMM 1.17's libxsmm_dnn convolution timed as its own samples drive it:
// a layer in LIBXSMM's blocked layouts (LIBXSMM_DNN_TENSOR_FORMAT_LIBXSMM),
// logical padding, OVERWRITE, the tensors filled from plain NCHW / KCRS by
// copyin once before timing, and the timed call an OpenMP region in which
// each of THREADS threads calls libxsmm_dnn_execute_st(handle, kind, 0, tid).
// No bias: LIBXSMM 1.17 has none to fuse. Nothing of convlab's LIBXSMM code
// is used: only its descriptor grammar.
#include <libxsmm.h>
#include <libxsmm_dnn_convolution.h>
#include <omp.h>

#include <string>
#include <vector>

#include "crosscheck/standalone.hpp"

using convlab::Direction;
using convlab::Problem;
namespace cc = convlab::crosscheck;

namespace {

constexpr const char* library = "libxsmm";

struct Failure {
    std::string what;
};

void ok(libxsmm_dnn_err_t status, const char* call) {
    if (status != LIBXSMM_DNN_SUCCESS) throw Failure{std::string(call) + ": " + libxsmm_dnn_get_error(status)};
}

// A blocked tensor of the layer with its own buffer, filled from plain values
// when `seed` is nonzero.
struct Blocked {
    std::vector<float> plain;
    float* data = nullptr;
    libxsmm_dnn_tensor* tensor = nullptr;

    Blocked(libxsmm_dnn_layer* layer, libxsmm_dnn_tensor_type layout_type, long long plain_elems,
            libxsmm_dnn_tensor_format plain_format, unsigned seed) {
        libxsmm_dnn_err_t status;
        libxsmm_dnn_tensor_datalayout* layout = libxsmm_dnn_create_tensor_datalayout(layer, layout_type, &status);
        ok(status, "create_tensor_datalayout");
        const size_t bytes = libxsmm_dnn_get_tensor_size(layout, &status);
        data = static_cast<float*>(libxsmm_aligned_malloc(bytes, 64));
        tensor = libxsmm_dnn_link_tensor(layout, data, &status);
        libxsmm_dnn_destroy_tensor_datalayout(layout);
        ok(status, "link_tensor");
        if (seed) {
            plain.resize(size_t(plain_elems));
            cc::fill_uniform(plain.data(), plain_elems, seed);
            ok(libxsmm_dnn_copyin_tensor(tensor, plain.data(), plain_format), "copyin_tensor");
        }
    }
    ~Blocked() {
        libxsmm_dnn_destroy_tensor(tensor);
        libxsmm_free(data);
    }
};

}  // namespace

int main(int argc, char** argv) {
    const cc::Request r = cc::parse_request(argc, argv, argv[0]);
    const Problem& p = r.problem;
    if (p.g > 1 || p.dh || p.dw || p.ph < 0 || p.pw < 0 || (p.ih + 2 * p.ph - p.kh) / p.sh + 1 != p.oh ||
        (p.iw + 2 * p.pw - p.kw) / p.sw + 1 != p.ow) {
        cc::print_declined(library, r, "LIBXSMM 1.17: no groups, dilation or asymmetric padding");
        return 0;
    }
    libxsmm_init();
    libxsmm_dnn_conv_desc desc{};
    desc.N = int(p.mb), desc.C = int(p.ic), desc.H = int(p.ih), desc.W = int(p.iw);
    desc.K = int(p.oc), desc.R = int(p.kh), desc.S = int(p.kw), desc.u = int(p.sh), desc.v = int(p.sw);
    desc.pad_h = int(p.ph), desc.pad_w = int(p.pw);  // logical: no rim in the buffers
    desc.threads = r.threads;
    desc.datatype_in = desc.datatype_out = LIBXSMM_DNN_DATATYPE_F32;
    desc.buffer_format = desc.filter_format = LIBXSMM_DNN_TENSOR_FORMAT_LIBXSMM;
    desc.algo = LIBXSMM_DNN_CONV_ALGO_DIRECT;
    desc.options = LIBXSMM_DNN_CONV_OPTION_OVERWRITE;
    desc.fuse_ops = LIBXSMM_DNN_CONV_FUSE_NONE;
    libxsmm_dnn_err_t status;
    libxsmm_dnn_layer* layer = libxsmm_dnn_create_conv_layer(desc, &status);
    if (status != LIBXSMM_DNN_SUCCESS) {
        cc::print_declined(library, r, std::string("LIBXSMM: ") + libxsmm_dnn_get_error(status));
        return 0;
    }
    try {
        constexpr auto nchw = LIBXSMM_DNN_TENSOR_FORMAT_NCHW, kcrs = LIBXSMM_DNN_TENSOR_FORMAT_KCRS;
        const bool fwd = r.direction == Direction::fwd, bwd_d = r.direction == Direction::bwd_d;
        const bool bwd_w = r.direction == Direction::bwd_w;
        // Inputs filled, outputs left as allocated.
        Blocked x(layer, LIBXSMM_DNN_INPUT, p.x_elems(), nchw, bwd_d ? 0 : 1);
        Blocked y(layer, LIBXSMM_DNN_OUTPUT, p.y_elems(), nchw, fwd ? 0 : 2);
        Blocked w(layer, LIBXSMM_DNN_FILTER, p.w_elems(), kcrs, bwd_w ? 0 : 3);
        libxsmm_dnn_compute_kind kind = LIBXSMM_DNN_COMPUTE_KIND_FWD;
        if (fwd) {
            ok(libxsmm_dnn_bind_tensor(layer, x.tensor, LIBXSMM_DNN_REGULAR_INPUT), "bind_tensor");
            ok(libxsmm_dnn_bind_tensor(layer, w.tensor, LIBXSMM_DNN_REGULAR_FILTER), "bind_tensor");
            ok(libxsmm_dnn_bind_tensor(layer, y.tensor, LIBXSMM_DNN_REGULAR_OUTPUT), "bind_tensor");
        } else if (bwd_d) {
            kind = LIBXSMM_DNN_COMPUTE_KIND_BWD;
            ok(libxsmm_dnn_bind_tensor(layer, y.tensor, LIBXSMM_DNN_GRADIENT_OUTPUT), "bind_tensor");
            ok(libxsmm_dnn_bind_tensor(layer, w.tensor, LIBXSMM_DNN_REGULAR_FILTER), "bind_tensor");
            ok(libxsmm_dnn_bind_tensor(layer, x.tensor, LIBXSMM_DNN_GRADIENT_INPUT), "bind_tensor");
        } else {
            kind = LIBXSMM_DNN_COMPUTE_KIND_UPD;
            ok(libxsmm_dnn_bind_tensor(layer, x.tensor, LIBXSMM_DNN_REGULAR_INPUT), "bind_tensor");
            ok(libxsmm_dnn_bind_tensor(layer, y.tensor, LIBXSMM_DNN_GRADIENT_OUTPUT), "bind_tensor");
            ok(libxsmm_dnn_bind_tensor(layer, w.tensor, LIBXSMM_DNN_GRADIENT_FILTER), "bind_tensor");
        }
        const size_t scratch_bytes = libxsmm_dnn_get_scratch_size(layer, kind, &status);
        ok(status, "get_scratch_size");
        void* scratch = libxsmm_aligned_malloc(scratch_bytes, 64);
        ok(libxsmm_dnn_bind_scratch(layer, kind, scratch), "bind_scratch");

        const int threads = r.threads;
        const cc::CallTimes times = cc::time_calls(
            [&] {
#pragma omp parallel num_threads(threads)
                libxsmm_dnn_execute_st(layer, kind, 0, omp_get_thread_num());
            },
            r.repetitions, r.min_time_s);
        const std::string implementation = "LIBXSMM " LIBXSMM_CONFIG_VERSION " dnn, " +
                                           std::string(libxsmm_get_target_arch());
        cc::print_result(library, r, times, implementation);
        libxsmm_dnn_release_scratch(layer, kind);
        libxsmm_free(scratch);
    } catch (const Failure& f) {
        cc::print_declined(library, r, "LIBXSMM: " + f.what);
    }
    libxsmm_dnn_destroy_conv_layer(layer);
    return 0;
}
