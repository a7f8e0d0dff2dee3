// The two oneDNN baselines (onednn, onednn_blocked) and their shared pieces:
// both against the double reference (harness check: integer pass exact, real
// pass within tolerance) on problems covering every feature in all three
// directions; the one geometry oneDNN 2.6 rejects, checked against oneDNN
// itself; absent bias pointers; primitives reused with other buffers; what
// prepare() reports; the workspace sizes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "algorithms/onednn/onednn_common.hpp"
#include "algorithms/timing_phases.hpp"
#include "algorithms/reference/reference.hpp"
#include "algorithms/registry.hpp"
#include "harness/verify/check.hpp"
#include "tests/presets.hpp"
#include "tests/random_problem.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& algorithm(std::string_view name) { return testing::registered(name); }

// Feature coverage beyond the presets, each accepted by oneDNN.
const std::vector<std::string> extra_descriptors = {
    "mb2ic3ih10iw10oc4oh4ow4kh3kw3sh2sw2ph0pw0n\"negative_bottom_and_right\"",  // both -1, stride 2
    "mb2ic4ih13oc4kh2sh3ph0n\"stride3_negative_bottom\"",                       // bottom and right -2
    "mb2ic3ih9iw10oc5oh12ow6kh2kw3sh1sw2ph3pw1n\"asymmetric_padding_stride\"",  // 3 top, 1 bottom; 1 left, 2 right
    "g2mb2ic4iw17oc6kw3sw3pw1dw2n\"one_d_grouped_dilated\"",
    "g16mb2ic16ih12oc16kh3sh2ph1n\"depthwise_stride2\"",
    "mb2ic17ih1iw1oc19kh1kw1ph2pw2n\"input_1x1_kernel_1x1_padded\"",
    "mb2ic16ih10oc32kh3ph1n\"blocked_channels\"",  // channels that oneDNN blocks by 16
};

std::vector<Problem> coverage_problems() {
    std::vector<Problem> list;
    for (const Problem& p : testing::presets())
        if (onednn_geometry_limit(p).empty()) list.push_back(p);
    for (const std::string& d : extra_descriptors) list.push_back(Problem::parse(d));
    return list;
}

Tensor filled(const std::vector<int64_t>& dims, float offset) {
    Tensor t(dims);
    for (int64_t i = 0; i < t.size(); ++i) t[i] = float((i * 7 + int64_t(offset * 3)) % 11) - 5 + offset;
    return t;
}

std::vector<double> to_double(const Tensor& t) { return {t.data(), t.data() + t.size()}; }

double max_difference(const Tensor& got, const std::vector<double>& expected) {
    double worst = 0;
    for (int64_t i = 0; i < got.size(); ++i) {
        const double difference = std::fabs(double(got[i]) - expected[size_t(i)]);
        if (!(difference <= worst)) worst = std::isnan(difference) ? INFINITY : difference;
    }
    return worst;
}

// Poisoned with NaN, as the checker does: the primitives must not rely on a zeroed workspace.
struct Workspace {
    explicit Workspace(int64_t bytes) : floats(aligned_floats(bytes / 4 + 1)) {
        std::fill(floats.get(), floats.get() + bytes / 4 + 1, NAN);
    }
    std::byte* data() { return reinterpret_cast<std::byte*>(floats.get()); }
    std::unique_ptr<float[], AlignedFree> floats;
};

}  // namespace

TEST_CASE("oneDNN: version, runtime and geometry helpers", "[onednn]") {
    const dnnl_version_t* v = dnnl_version();
    CHECK(onednn_version() ==
          std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
    CHECK(onednn_version().rfind("2.", 0) == 0);
    CHECK(onednn_cpu_runtime() == "OpenMP");  // Debian's build: it follows omp_set_num_threads

    const Problem p = testing::preset("strided_padded_dilated");  // sh2 sw3 ph1 pw2 dh1 dw0
    CHECK(onednn_strides(p) == dnnl::memory::dims{2, 3});
    CHECK(onednn_dilates(p) == dnnl::memory::dims{1, 0});
    CHECK(onednn_padding_l(p) == dnnl::memory::dims{1, 2});
    CHECK(onednn_padding_r(p) == dnnl::memory::dims{p.ph_bottom(), p.pw_right()});
    const Problem grouped = testing::preset("grouped");  // g2 ic4 oc6 3x3
    CHECK(plain_w_desc(grouped).dims() == dnnl::memory::dims{2, 3, 2, 3, 3});
    CHECK(plain_w_desc(grouped).get_size() == size_t(grouped.w_elems()) * sizeof(float));
    CHECK(plain_w_desc(p).dims() == dnnl::memory::dims{4, 3, 3, 2});

    // The extra problems have the padding their comments claim.
    const Problem both = Problem::parse(extra_descriptors[0]), stride3 = Problem::parse(extra_descriptors[1]);
    const Problem asymmetric = Problem::parse(extra_descriptors[2]);
    CHECK((both.ph_bottom() == -1 && both.pw_right() == -1));
    CHECK((stride3.ph_bottom() == -2 && stride3.pw_right() == -2));
    CHECK((asymmetric.ph_bottom() == 1 && asymmetric.pw_right() == 2));
}

TEST_CASE("oneDNN rejects exactly the problems onednn_geometry_limit names", "[onednn]") {
    // Asks oneDNN directly (onednn_conv_pd, without the pre-check) so the
    // pre-check is tested against the library rather than against itself.
    testing::RandomProblems random(testing::test_seed(7));
    int rejected = 0, accepted = 0;
    for (int i = 0; i < 300; ++i) {
        const Problem p = random.next();
        INFO(p.str());
        bool created = true;
        try {
            onednn_conv_pd(p, Direction::fwd, OnednnLayout::plain);
        } catch (const dnnl::error&) {
            created = false;
        }
        CHECK(created == onednn_geometry_limit(p).empty());
        (created ? accepted : rejected) += 1;
    }
    CHECK(rejected > 10);  // the random problems include bottom padding <= -stride
    CHECK(accepted > 100);
}

TEST_CASE("oneDNN algorithms decline what oneDNN rejects, with the reason, without throwing", "[onednn]") {
    const Problem& p = testing::preset("negative_bottom_padding");  // bottom padding -1, stride 1
    for (const char* name : {"onednn", "onednn_blocked"})
        for (Direction d : all_directions) {
            const std::string why = testing::decline_reason(algorithm(name), p, d);
            CHECK(why == std::string(name) + ": oneDNN requires bottom padding > -stride (got -1 with stride 1)");
        }
    // Right padding -1 with stride 2 is within oneDNN's limit.
    CHECK(testing::decline_reason(algorithm("onednn"), testing::preset("stride2_remainder"), Direction::fwd) == "");
}

TEST_CASE("oneDNN algorithms pass the check on every feature in every direction", "[onednn][check]") {
    const std::string name = GENERATE("onednn", "onednn_blocked");
    const Algorithm& a = algorithm(name);
    CHECK(a.contract().exact_on_integers);
    for (const Problem& p : coverage_problems())
        for (Direction d : all_directions) {
            INFO(name << " " << to_string(d) << " " << p.str());
            REQUIRE(testing::decline_reason(a, p, d) == "");
            const Verdict v = check(a, p, d);
            INFO(v.reason << " " << v.worst);
            CHECK(v.status == Status::passed);
            CHECK(!a.prepare(p, d, 2).primitive->implementation().empty());
        }
}

TEST_CASE("oneDNN algorithms pass the check on random problems", "[onednn][check][random]") {
    const std::string name = GENERATE("onednn", "onednn_blocked");
    testing::RandomProblems random(testing::test_seed(2024));
    int checked = 0;
    for (int i = 0; i < 40; ++i) {
        const Problem p = random.next();
        if (!onednn_geometry_limit(p).empty()) continue;
        for (Direction d : all_directions) {
            INFO(name << " " << to_string(d) << " " << p.str());
            const Verdict v = check(algorithm(name), p, d);
            INFO(v.reason << " " << v.worst);
            CHECK(v.status == Status::passed);
            ++checked;
        }
    }
    CHECK(checked > 60);
}

TEST_CASE("oneDNN primitives take no bias pointer and can be reused with other buffers", "[onednn]") {
    const std::string name = GENERATE("onednn", "onednn_blocked");
    const Algorithm& a = algorithm(name);
    const Problem p = Problem::parse("g2mb2ic4ih9oc8kh3sh2ph1n\"reuse\"");
    INFO(name);
    auto fwd = a.prepare(p, Direction::fwd, all_cores()).primitive;
    auto bwd_w = a.prepare(p, Direction::bwd_w, all_cores()).primitive;
    Workspace ws_fwd(testing::workspace_bytes(a, p, Direction::fwd)), ws_bwd_w(testing::workspace_bytes(a, p, Direction::bwd_w));
    for (float offset : {0.5f, -1.25f}) {  // two different sets of buffers through the same primitives
        INFO("offset " << offset);
        const Tensor x = filled(p.x_dims(), offset), w = filled(p.w_dims(), offset + 1), dy = filled(p.y_dims(), offset);
        Tensor y(p.y_dims()), dw(p.w_dims());
        y.fill(NAN), dw.fill(NAN);
        ConvArgs args;
        args.x = x.data(), args.w = w.data(), args.y = y.data(), args.dy = dy.data(), args.dw = dw.data();
        args.workspace = ws_fwd.data();
        fwd->execute(args);  // args.b null: no bias
        args.workspace = ws_bwd_w.data();
        bwd_w->execute(args);  // args.db null: the bias diff goes to the workspace

        std::vector<double> y_ref(size_t(p.y_elems())), dw_ref(size_t(p.w_elems())), db_ref(size_t(p.oc));
        reference_fwd(p, to_double(x).data(), to_double(w).data(), nullptr, y_ref.data());
        reference_bwd_w(p, to_double(x).data(), to_double(dy).data(), dw_ref.data(), db_ref.data());
        // Small multiples of 1/4: every product and partial sum is exact in fp32.
        CHECK(max_difference(y, y_ref) == 0);
        CHECK(max_difference(dw, dw_ref) == 0);
    }
}

TEST_CASE("onednn_blocked reorders through workspace buffers sized from oneDNN's layouts", "[onednn]") {
    const Algorithm& blocked = algorithm("onednn_blocked");
    const Problem p = Problem::parse("mb2ic16ih10oc32kh3ph1n\"blocked_channels\"");
    auto primitive = blocked.prepare(p, Direction::fwd, all_cores()).primitive;
    // oneDNN's native kernels, not its plain-layout gemm fallback.
    CHECK(primitive->implementation().rfind("jit", 0) == 0);
    // x and y are in blocked layouts, so the workspace holds both beside the scratchpad.
    const dnnl::primitive_desc pd = onednn_conv_pd(p, Direction::fwd, OnednnLayout::preferred);
    const auto x_chosen = pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_SRC);
    const auto y_chosen = pd.query_md(dnnl::query::exec_arg_md, DNNL_ARG_DST);
    CHECK(x_chosen != plain_x_desc(p));
    CHECK(y_chosen != plain_y_desc(p));
    CHECK(testing::workspace_bytes(blocked, p, Direction::fwd) >=
          scratchpad_bytes(pd) + int64_t(x_chosen.get_size() + y_chosen.get_size()));
    CHECK(testing::workspace_bytes(blocked, p, Direction::fwd) == testing::workspace_bytes(blocked, p, Direction::fwd));

    TimingPhases timing_phases;
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 3);
    Workspace ws(testing::workspace_bytes(blocked, p, Direction::fwd));
    ConvArgs args;
    args.x = t.x.data(), args.w = t.w.data(), args.b = t.b.data(), args.y = t.y.data();
    args.workspace = ws.data(), args.timing_phases = &timing_phases;
    primitive->execute(args);
    for (const char* phase : {"reorder_in", "conv", "reorder_out"}) {
        INFO(phase);
        CHECK(timing_phases.seconds().count(phase) == 1);
    }
}

TEST_CASE("oneDNN in another layout runs on strided plain memory, or declines where it has only its reference loops",
          "[onednn]") {
    const Problem p = Problem::parse("mb2ic16ih14oc16kh3ph1");
    const Algorithm& onednn = *find_algorithm("onednn");
    // HWIO is what oneDNN's GEMM convolution takes with NHWC: a real implementation, not "ref".
    const Prepared hwio = onednn.prepare_in(p, Direction::fwd, 1, parse_layout("t", "nhwc:hwio"));
    REQUIRE(hwio);
    CHECK(hwio.primitive->implementation().rfind("ref", 0) != 0);
    CHECK(plain_x_desc(p, parse_layout("t", "nhwc")) ==
          dnnl::memory::desc({p.mb, p.ic, p.ih, p.iw}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::nhwc));
    CHECK(plain_w_desc(p, parse_layout("t", "nhwc:hwio")) ==
          dnnl::memory::desc({p.oc, p.ic, p.kh, p.kw}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::hwio));
    // Whatever oneDNN picks for nhwc:ohwi, a "ref" pick is declined with that reason.
    const Prepared ohwi = onednn.prepare_in(p, Direction::fwd, 1, parse_layout("t", "nhwc:ohwi"));
    if (!ohwi) CHECK_THAT(ohwi.decline_reason, Catch::Contains("only its reference implementation"));
    else CHECK(ohwi.primitive->implementation().rfind("ref", 0) != 0);
    // The staged ones keep NHWC activations and choose the weights' layout: never the reference loops here.
    for (const char* name : {"onednn_native", "onednn_blocked"})
        CHECK(find_algorithm(name)->prepare_in(p, Direction::fwd, 1, parse_layout("t", "nhwc")));
}
