// Pieces shared by the two oneDNN baselines (onednn: plain NCHW tensors handed
// to oneDNN as they are; onednn_blocked: oneDNN's preferred layouts, with the
// reorders from and to NCHW inside the timed call).
//
// oneDNN 2.6 as Debian ships it (libdnnl-dev): CPU engine, OpenMP runtime, so
// it follows omp_set_num_threads (convlab::set_threads). Its kernels decide
// their blocking and scratchpad size from the thread count when a primitive
// descriptor is created: onednn_prepare sets it first.
#pragma once

#include <dnnl.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/common/memory.hpp"
#include "algorithms/problem.hpp"
#include "algorithms/threading.hpp"

namespace convlab {

// "major.minor.patch" of the oneDNN library actually loaded (dnnl_version()).
std::string onednn_version();
// "OpenMP", "TBB", "sequential", ...: the CPU runtime oneDNN was built with.
std::string onednn_cpu_runtime();

// oneDNN's ISA for the process's ISA cap (machine.hpp), set before its first
// kernel (dnnl::set_max_cpu_isa; oneDNN fixes its ISA then): avx2 caps it at
// AVX2, avx512 at AVX-512 without AMX, native leaves it alone. Runs once;
// throws std::runtime_error when oneDNN refuses the cap.
void apply_isa_cap_to_onednn();
// The ISA oneDNN's kernels use (dnnl::get_effective_cpu_isa): "avx2",
// "avx512_core", ... Applies the cap first.
std::string onednn_effective_isa();

// One CPU engine and one stream for the whole process, made after
// apply_isa_cap_to_onednn. Primitives are executed
// from one thread at a time (the benchmark and the checker do so).
const dnnl::engine& onednn_engine();
dnnl::stream& onednn_stream();

// How the convolution primitive sees its tensors: as the caller's plain NCHW /
// (g)OIHW memory, or in whatever layout oneDNN prefers (format_tag::any).
enum class OnednnLayout { plain, preferred };

// The geometry of a problem in oneDNN's terms: dilation in the benchdnn
// convention (zeros between taps, the same as Problem), left padding {ph, pw}
// and right padding {ph_bottom, pw_right}, which may be negative.
dnnl::memory::dims onednn_strides(const Problem& p);
dnnl::memory::dims onednn_dilates(const Problem& p);
dnnl::memory::dims onednn_padding_l(const Problem& p);
dnnl::memory::dims onednn_padding_r(const Problem& p);

// Plain memory descs of the caller's tensors: x and y nchw; weights oihw, or
// goihw with dims {g, oc/g, ic/g, kh, kw} when grouped (the same bytes as
// convlab's [oc][ic/g][kh][kw]); bias x. In another case layout the same dims
// with the layout's strides (oneDNN's descs take any strides: nhwc, hwio,
// ohwi, iohw, grouped or not).
dnnl::memory::desc plain_x_desc(const Problem& p, Layout layout = {});
dnnl::memory::desc plain_y_desc(const Problem& p, Layout layout = {});
dnnl::memory::desc plain_w_desc(const Problem& p, Layout layout = {});
dnnl::memory::desc plain_b_desc(const Problem& p);

// Why oneDNN cannot take this problem before we even ask it: it requires
// right padding > -stride (conv_desc_init's consistency check), i.e. at most
// stride - 1 trailing input rows that no window reads. Empty when it can.
std::string onednn_geometry_limit(const Problem& p);

// The convolution primitive descriptor of direction `d` with the algorithm
// `kind` (convolution_direct, or convolution_winograd for onednn_winograd),
// scratchpad_mode::user
// (its scratchpad goes into convlab's workspace). fwd is forward_training:
// convlab compares training directions, and the backward descriptors need a
// training forward descriptor as their hint. The bias (fwd) and bias diff
// (bwd_w) are always part of the primitive. Throws dnnl::error when oneDNN
// declines.
// In a case layout with NHWC activations, `preferred` keeps the activations
// in the caller's NHWC and lets oneDNN choose the weights' layout only (as
// PyTorch's channels_last calls it).
dnnl::primitive_desc onednn_conv_pd(const Problem& p, Direction d, OnednnLayout layout,
                                    dnnl::algorithm kind = dnnl::algorithm::convolution_direct,
                                    Layout case_layout = {});

// Attributes with scratchpad_mode::user: the primitive's scratchpad is memory
// convlab passes (in its workspace), so workspace_bytes() is all it needs.
dnnl::primitive_attr onednn_user_scratchpad();
// The primitive's scratchpad size in bytes.
int64_t scratchpad_bytes(const dnnl::primitive_desc_base& pd);

// "<name>: oneDNN has no implementation: ... (dir)", or the status oneDNN
// rejected the problem with.
std::string onednn_decline_reason(std::string_view name, Direction d, const dnnl::error& e);

// Primitive P built from (p, d, threads) with the thread count set first
// (oneDNN sizes its kernels and scratchpad for it when a descriptor is
// created), or the reason oneDNN declines.
// The case layouts oneDNN is given as they are (strided plain descs).
std::vector<Layout> onednn_layouts();

// A primitive prepared in a layout other than nchw:oihw, or declined when
// oneDNN has only its reference loops for it (impl "ref:any", as for NHWC
// with OHWI plain weights: its GEMM convolution wants HWIO): those are not a
// native path, and on a network's layers they take minutes per call.
Prepared onednn_unless_reference(std::string_view name, Prepared prepared, Layout layout);

template <class P, class... Extra>
Prepared onednn_prepare(std::string_view name, const Problem& p, Direction d, int threads, Extra&&... extra) {
    if (std::string limit = onednn_geometry_limit(p); !limit.empty()) return declined(name, limit);
    set_threads(threads);
    try {
        return prepared<P>(p, d, threads, std::forward<Extra>(extra)...);
    } catch (const dnnl::error& e) {
        return {nullptr, onednn_decline_reason(name, d, e)};
    }
}

// One tensor argument of the convolution, as the caller holds it.
struct OnednnOperand {
    int arg;                  // DNNL_ARG_SRC, DNNL_ARG_DIFF_WEIGHTS, ...
    bool output;              // written by the direction
    bool is_bias;             // b (fwd) or db (bwd_w): the caller may pass null
    dnnl::memory::desc user;  // the caller's plain layout
};
// The operands of direction `d`, inputs first, in the case's layout.
std::vector<OnednnOperand> onednn_operands(const Problem& p, Direction d, Layout layout = {});
// The caller's pointer for `arg` in `args` (null for an absent bias).
void* user_pointer(const ConvArgs& args, int arg);


}  // namespace convlab
