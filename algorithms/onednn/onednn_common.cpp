#include "algorithms/onednn/onednn_common.hpp"

#include <exception>
#include <stdexcept>

#include <fmt/format.h>
#include <oneapi/dnnl/dnnl_debug.h>

#include "algorithms/machine.hpp"

namespace convlab {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

std::string onednn_version() {
    const dnnl_version_t* v = dnnl_version();
    return fmt::format("{}.{}.{}", v->major, v->minor, v->patch);
}

std::string onednn_cpu_runtime() {
    switch (dnnl_version()->cpu_runtime) {
        case DNNL_RUNTIME_NONE: return "none";
        case DNNL_RUNTIME_SEQ: return "sequential";
        case DNNL_RUNTIME_OMP: return "OpenMP";
        case DNNL_RUNTIME_TBB: return "TBB";
        case DNNL_RUNTIME_THREADPOOL: return "threadpool";
        default: return fmt::format("unknown ({})", dnnl_version()->cpu_runtime);
    }
}

void apply_isa_cap_to_onednn() {
    static const bool applied = [] {
        const auto cap = latched_isa_cap();
        if (!cap) return true;
        const dnnl::cpu_isa isa = *cap == Isa::avx512 ? dnnl::cpu_isa::avx512_core_bf16 : dnnl::cpu_isa::avx2;
        if (const dnnl::status status = dnnl::set_max_cpu_isa(isa); status != dnnl::status::success)
            throw std::runtime_error(fmt::format("oneDNN refused the ISA cap {} (dnnl_set_max_cpu_isa status {})",
                                                 isa_cap_name(cap), int(status)));
        return true;
    }();
    (void)applied;
}

std::string onednn_effective_isa() {
    apply_isa_cap_to_onednn();
    std::string name = dnnl_cpu_isa2str(static_cast<dnnl_cpu_isa_t>(dnnl::get_effective_cpu_isa()));
    constexpr std::string_view prefix = "cpu_isa_";  // dnnl_cpu_isa2str's: "cpu_isa_avx2"
    return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

const dnnl::engine& onednn_engine() {
    apply_isa_cap_to_onednn();
    static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    return engine;
}

dnnl::stream& onednn_stream() {
    static dnnl::stream stream(onednn_engine());
    return stream;
}

dnnl::memory::dims onednn_strides(const Problem& p) { return {p.sh, p.sw}; }
dnnl::memory::dims onednn_dilates(const Problem& p) { return {p.dh, p.dw}; }
dnnl::memory::dims onednn_padding_l(const Problem& p) { return {p.ph, p.pw}; }
dnnl::memory::dims onednn_padding_r(const Problem& p) { return {p.ph_bottom(), p.pw_right()}; }

namespace {

dnnl::memory::desc activation_desc(const std::vector<int64_t>& dims, Layout layout) {
    if (layout.activations == ActivationLayout::nchw) return {dims, dt::f32, tag::nchw};
    const auto s = strides_in(dims, axis_order(layout.activations));
    return {dims, dt::f32, dnnl::memory::dims(s.begin(), s.end())};
}

}  // namespace

dnnl::memory::desc plain_x_desc(const Problem& p, Layout layout) { return activation_desc(p.x_dims(), layout); }
dnnl::memory::desc plain_y_desc(const Problem& p, Layout layout) { return activation_desc(p.y_dims(), layout); }
dnnl::memory::desc plain_w_desc(const Problem& p, Layout layout) {
    if (layout.weights == WeightLayout::oihw) {
        if (p.g == 1) return {{p.oc, p.ic, p.kh, p.kw}, dt::f32, tag::oihw};
        return {{p.g, p.ocg(), p.icg(), p.kh, p.kw}, dt::f32, tag::goihw};
    }
    const auto s = strides_in(p.w_dims(), axis_order(layout.weights));  // of (oc, ic/g, kh, kw)
    if (p.g == 1) return {{p.oc, p.ic, p.kh, p.kw}, dt::f32, dnnl::memory::dims(s.begin(), s.end())};
    // Output channel g * ocg + o: the group's stride is ocg output channels'.
    return {{p.g, p.ocg(), p.icg(), p.kh, p.kw}, dt::f32, dnnl::memory::dims{p.ocg() * s[0], s[0], s[1], s[2], s[3]}};
}

std::vector<Layout> onednn_layouts() { return all_layouts(); }

Prepared onednn_unless_reference(std::string_view name, Prepared prepared, Layout layout) {
    if (!prepared || layout == Layout{}) return prepared;
    const std::string impl = prepared.primitive->implementation();
    if (impl.rfind("ref", 0) != 0) return prepared;
    return declined(name, fmt::format("oneDNN has only its reference implementation ({}) for {}", impl,
                                      to_string(layout)));
}
dnnl::memory::desc plain_b_desc(const Problem& p) { return {{p.oc}, dt::f32, tag::x}; }

std::string onednn_geometry_limit(const Problem& p) {
    // conv_desc_init (src/common/convolution.cpp) requires padding_r + stride > 0.
    if (p.ph_bottom() <= -p.sh)
        return fmt::format("oneDNN requires bottom padding > -stride (got {} with stride {})", p.ph_bottom(), p.sh);
    if (p.pw_right() <= -p.sw)
        return fmt::format("oneDNN requires right padding > -stride (got {} with stride {})", p.pw_right(), p.sw);
    return {};
}

dnnl::primitive_attr onednn_user_scratchpad() {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return attr;
}

namespace {

// Descs the primitive is asked for: the caller's plain ones, or format_tag::any.
struct ConvDescs {
    dnnl::memory::desc x, w, b, y;
};

ConvDescs conv_descs(const Problem& p, OnednnLayout layout, Layout case_layout) {
    const ConvDescs plain{plain_x_desc(p, case_layout), plain_w_desc(p, case_layout), plain_b_desc(p),
                          plain_y_desc(p, case_layout)};
    if (layout == OnednnLayout::plain) return plain;
    auto any = [](const dnnl::memory::desc& d) { return dnnl::memory::desc(d.dims(), dt::f32, tag::any); };
    if (case_layout.activations == ActivationLayout::nhwc) return {plain.x, any(plain.w), any(plain.b), plain.y};
    return {any(plain.x), any(plain.w), any(plain.b), any(plain.y)};
}

// The direct baselines ask for convolution_direct, not convolution_auto:
// auto may resolve to oneDNN's Winograd on 3x3 layers, which changes the
// arithmetic (not exact on integers, larger error) and makes the baseline's
// family depend on the shape; direct is what frameworks request (PyTorch's
// ideep passes convolution_direct). oneDNN's Winograd is its own baseline,
// onednn_winograd, which asks for convolution_winograd explicitly.
dnnl::convolution_forward::primitive_desc forward_pd(const Problem& p, const ConvDescs& m, dnnl::algorithm kind) {
    const dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, kind, m.x, m.w, m.b, m.y,
                                               onednn_strides(p), onednn_dilates(p), onednn_padding_l(p),
                                               onednn_padding_r(p));
    return {desc, onednn_user_scratchpad(), onednn_engine()};
}

}  // namespace

dnnl::primitive_desc onednn_conv_pd(const Problem& p, Direction d, OnednnLayout layout, dnnl::algorithm kind,
                                    Layout case_layout) {
    const ConvDescs m = conv_descs(p, layout, case_layout);
    const auto fwd = forward_pd(p, m, kind);
    switch (d) {
        case Direction::fwd: return fwd;
        case Direction::bwd_d: {
            const dnnl::convolution_backward_data::desc desc(kind, m.x, m.w, m.y, onednn_strides(p),
                                                             onednn_dilates(p), onednn_padding_l(p),
                                                             onednn_padding_r(p));
            return dnnl::convolution_backward_data::primitive_desc(desc, onednn_user_scratchpad(), onednn_engine(), fwd);
        }
        case Direction::bwd_w: {
            const dnnl::convolution_backward_weights::desc desc(kind, m.x, m.w, m.b, m.y,
                                                                onednn_strides(p), onednn_dilates(p),
                                                                onednn_padding_l(p), onednn_padding_r(p));
            return dnnl::convolution_backward_weights::primitive_desc(desc, onednn_user_scratchpad(), onednn_engine(), fwd);
        }
    }
    throw std::logic_error("onednn_conv_pd: unknown direction");
}

int64_t scratchpad_bytes(const dnnl::primitive_desc_base& pd) { return int64_t(pd.scratchpad_desc().get_size()); }

std::string onednn_decline_reason(std::string_view name, Direction d, const dnnl::error& e) {
    if (e.status == dnnl_unimplemented)
        return fmt::format("{}: oneDNN has no implementation: {} ({})", name, e.what(), to_string(d));
    return fmt::format("{}: oneDNN rejects the problem (status {}): {}", name, int(e.status), e.what());
}

std::vector<OnednnOperand> onednn_operands(const Problem& p, Direction d, Layout l) {
    switch (d) {
        case Direction::fwd:
            return {{DNNL_ARG_SRC, false, false, plain_x_desc(p, l)},
                    {DNNL_ARG_WEIGHTS, false, false, plain_w_desc(p, l)},
                    {DNNL_ARG_BIAS, false, true, plain_b_desc(p)},
                    {DNNL_ARG_DST, true, false, plain_y_desc(p, l)}};
        case Direction::bwd_d:
            return {{DNNL_ARG_DIFF_DST, false, false, plain_y_desc(p, l)},
                    {DNNL_ARG_WEIGHTS, false, false, plain_w_desc(p, l)},
                    {DNNL_ARG_DIFF_SRC, true, false, plain_x_desc(p, l)}};
        case Direction::bwd_w:
            return {{DNNL_ARG_SRC, false, false, plain_x_desc(p, l)},
                    {DNNL_ARG_DIFF_DST, false, false, plain_y_desc(p, l)},
                    {DNNL_ARG_DIFF_WEIGHTS, true, false, plain_w_desc(p, l)},
                    {DNNL_ARG_DIFF_BIAS, true, true, plain_b_desc(p)}};
    }
    return {};
}

void* user_pointer(const ConvArgs& args, int arg) {
    switch (arg) {
        case DNNL_ARG_SRC: return const_cast<float*>(args.x);  // oneDNN's API takes void*; inputs are only read
        case DNNL_ARG_WEIGHTS: return const_cast<float*>(args.w);
        case DNNL_ARG_BIAS: return const_cast<float*>(args.b);
        case DNNL_ARG_DST: return args.y;
        case DNNL_ARG_DIFF_DST: return const_cast<float*>(args.dy);
        case DNNL_ARG_DIFF_SRC: return args.dx;
        case DNNL_ARG_DIFF_WEIGHTS: return args.dw;
        case DNNL_ARG_DIFF_BIAS: return args.db;
    }
    return nullptr;
}

}  // namespace convlab
