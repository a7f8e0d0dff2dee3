// The torch baseline (PyTorch's ATen through libtorch): how asymmetric padding
// is posed to torch's symmetric one (hand-computed geometries), the harness
// check on every kind of bottom/right padding in every direction, absent bias
// pointers, the backend ATen reports against its documented selection rules,
// and the thread count it leaves behind.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "algorithms/reference/reference.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "algorithms/torch/torch_geometry.hpp"
#include "algorithms/torch/torch_module.hpp"
#include "harness/verify/check.hpp"
#include "tests/algorithm_calls.hpp"

using namespace convlab;

namespace {

const Algorithm& torch_algorithm() {
    return testing::registered("torch");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("torch geometry: symmetric padding for torch, narrowing and zero rows for the rest", "[torch]") {
    // Symmetric: the problem as it is (extent 5, so 6 output rows).
    const TorchGeometry same = torch_geometry(Problem::parse("mb2ic3ih8oc4kh3ph1dh1"));
    CHECK((same.h.padding == 1 && same.h.dilation == 2 && same.h.rows == 8 && same.h.extra == 0 && same.h.out == 6));
    // Stride 2 leaves the last input row unread (bottom padding -1): it is left out of the view.
    const Problem remainder = Problem::parse("mb2ic3ih10oc4kh3sh2ph0");
    const TorchGeometry r = torch_geometry(remainder);
    CHECK(remainder.ph_bottom() == -1);
    CHECK((r.h.rows == 9 && r.h.extra == 0 && r.h.out == 4));
    CHECK(r.input_narrowed(remainder));
    CHECK(!r.output_larger(remainder));
    // 3 top / 1 bottom rows: torch's 3 bottom zeros give two output rows more.
    // 1 left / 2 right columns: one zero column must be appended.
    const Problem asymmetric = Problem::parse("mb2ic3ih9iw10oc5oh12ow6kh2kw3sh1sw2ph3pw1");
    const TorchGeometry a = torch_geometry(asymmetric);
    CHECK((asymmetric.ph_bottom() == 1 && asymmetric.pw_right() == 2));
    CHECK((a.h.rows == 9 && a.h.extra == 0 && a.h.out == 14));
    CHECK((a.w.rows == 10 && a.w.extra == 1 && a.w.out == 6));
    CHECK(a.input_copied());
    CHECK(a.output_larger(asymmetric));
    // Every window in the padding: one input row all the same, read by none.
    const TorchGeometry none = torch_geometry(Problem::parse("mb1ic1ih1oc1oh3kh1ph3"));
    CHECK((none.h.rows == 1 && none.h.extra == 0 && none.h.out == 7));
}

TEST_CASE("torch passes the check on every kind of padding in every direction", "[torch][check]") {
    const Algorithm& torch = torch_algorithm();
    const std::vector<std::string> descriptors = {
        "mb2ic16ih8oc16kh3ph1",                               // symmetric
        "mb2ic3ih10oc4kh3sh2ph0",                             // unread last row
        "mb2ic3ih10iw10oc4oh4ow4kh3kw3sh2sw2ph0pw0",          // bottom and right -1
        "mb2ic4ih13oc4kh2sh3ph0",                             // bottom and right -2
        "mb2ic3ih9iw10oc5oh12ow6kh2kw3sh1sw2ph3pw1",          // bottom < top, right > left
        "mb2ic3ih6oc2oh9kh2ph1",                              // bottom 3 > top 1
        "g2mb2ic4iw17oc6kw3sw3pw1dw2",                        // 1-D, grouped, dilated
        "g16mb2ic16ih12oc16kh3sh2ph1",                        // depthwise
        "mb2ic17ih1iw1oc19kh1kw1ph2pw2",                      // 1x1 input, padded
        "mb1ic1ih1oc1oh3kh1ph3",                              // every window in the padding
        "mb1ic3ih8oc4kh3ph1dh1",                              // small, dilated: not oneDNN
    };
    for (const std::string& descriptor : descriptors)
        for (Direction d : all_directions) {
            const Problem p = Problem::parse(descriptor);
            INFO(descriptor << " " << to_string(d) << " " << torch.prepare(p, d, 2).primitive->implementation());
            REQUIRE(testing::decline_reason(torch, p, d) == "");
            const Verdict v = check(torch, p, d);
            INFO(v.reason << " " << v.worst);
            CHECK(v.status == Status::passed);
        }
}

TEST_CASE("torch takes no bias pointers", "[torch]") {
    const Problem p = Problem::parse("g2mb2ic4ih9oc8kh3sh2ph1");
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 5);
    ConvTensors u = make_tensors(p, Direction::bwd_w, Fill::integers, 5);
    t.y.fill(NAN), u.dw.fill(NAN);
    ConvArgs fwd, bwd_w;
    fwd.x = t.x.data(), fwd.w = t.w.data(), fwd.y = t.y.data();  // no b
    bwd_w.x = u.x.data(), bwd_w.dy = u.dy.data(), bwd_w.dw = u.dw.data();  // no db
    torch_algorithm().prepare(p, Direction::fwd, 2).primitive->execute_staged(fwd);
    torch_algorithm().prepare(p, Direction::bwd_w, 2).primitive->execute_staged(bwd_w);

    auto as_double = [](const Tensor& x) { return std::vector<double>(x.data(), x.data() + x.size()); };
    std::vector<double> y(size_t(p.y_elems())), dw(size_t(p.w_elems())), db(size_t(p.oc));
    reference_fwd(p, as_double(t.x).data(), as_double(t.w).data(), nullptr, y.data());
    reference_bwd_w(p, as_double(u.x).data(), as_double(u.dy).data(), dw.data(), db.data());
    CHECK(as_double(t.y) == y);  // small integers: exact
    CHECK(as_double(u.dw) == dw);
}

TEST_CASE("torch reports the backend ATen's rules pick", "[torch]") {
    const Algorithm& torch = torch_algorithm();
    set_threads(2);
    // A 3x3 kernel on a minibatch of 2: oneDNN (Mkldnn) in every direction.
    for (Direction d : all_directions) {
        const std::string implementation = torch.prepare(Problem::parse("mb2ic16ih8oc16kh3ph1"), d, 2).primitive->implementation();
        INFO(implementation);
        CHECK(implementation.rfind("ATen 1.13", 0) == 0);
        CHECK(contains(implementation, " Mkldnn"));
        CHECK(!contains(implementation, "copy"));
    }
    // One small image, groups 1, 3x3: below ATen's oneDNN thresholds, so its own im2col + GEMM
    // (the forward may go to XNNPACK, which ATen considers only without backward).
    for (Direction d : {Direction::bwd_d, Direction::bwd_w}) {
        CHECK(contains(torch.prepare(Problem::parse("mb1ic3ih8oc4kh3ph1"), d, 2).primitive->implementation(), " Slow2d"));
        CHECK(contains(torch.prepare(Problem::parse("mb1ic3ih8oc4kh3ph1dh1"), d, 2).primitive->implementation(), " SlowDilated2d"));
    }
    // The copies the geometry needs are named.
    const Problem asymmetric = Problem::parse("mb2ic3ih9iw10oc5oh12ow6kh2kw3sh1sw2ph3pw1");
    CHECK(contains(torch.prepare(asymmetric, Direction::fwd, 2).primitive->implementation(), "x zero-padded copy"));
    CHECK(contains(torch.prepare(asymmetric, Direction::bwd_d, 2).primitive->implementation(), "dy zero-padded copy"));
    CHECK(!contains(torch.prepare(asymmetric, Direction::bwd_d, 2).primitive->implementation(), "x zero-padded"));
}

TEST_CASE("torch runs with the thread count it was prepared with and leaves it set", "[torch]") {
    const Problem p = Problem::parse("mb2ic16ih8oc16kh3ph1");
    auto one = torch_algorithm().prepare(p, Direction::fwd, 1).primitive;
    auto two = torch_algorithm().prepare(p, Direction::fwd, 2).primitive;
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 3);
    const ConvArgs a = bind(t, Direction::fwd);
    set_threads(2);
    one->execute(a);
    CHECK(max_threads() == 1);
    two->execute(a);
    CHECK(max_threads() == 2);
}

namespace {

// The ids of the process's threads now (/proc/self/task).
std::set<std::string> thread_ids() {
    std::set<std::string> ids;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) ids.insert(entry.path().filename());
    return ids;
}

}  // namespace

TEST_CASE("torch's calls start no threads: the same threads serve every call", "[torch]") {
    // at::set_num_threads re-creates caffe2's pthreadpool whatever the count;
    // called in every call, it started a worker thread per call that spun on
    // the cores the convolution needed.
    const Problem p = Problem::parse("mb2ic16ih8oc16kh3ph1");
    auto primitive = torch_algorithm().prepare(p, Direction::fwd, 2).primitive;
    ConvTensors t = make_tensors(p, Direction::fwd, Fill::integers, 3);
    const ConvArgs a = bind(t, Direction::fwd);
    primitive->execute(a);  // the first call may start OpenMP's team
    const std::set<std::string> before = thread_ids();
    for (int i = 0; i < 3; ++i) primitive->execute(a);
    CHECK(thread_ids() == before);
}

TEST_CASE("torch's timed call leaves the caller's outputs to stage_out", "[torch]") {
    const Problem p = Problem::parse("mb2ic16ih8oc16kh3ph1");
    for (Direction d : all_directions) {
        INFO(to_string(d));
        auto primitive = torch_algorithm().prepare(p, d, 2).primitive;
        ConvTensors t = make_tensors(p, d, Fill::integers, 3);
        const ConvArgs a = bind(t, d);
        for (const NamedOutput& out : outputs_of(d, t)) out.tensor->fill(NAN);
        primitive->execute(a);
        for (const NamedOutput& out : outputs_of(d, t)) CHECK(std::isnan((*out.tensor)[0]));
        primitive->stage_out(a);
        for (const NamedOutput& out : outputs_of(d, t)) CHECK(!std::isnan((*out.tensor)[0]));
    }
}

TEST_CASE("torch refuses a module built from other headers, naming the sizes that differ", "[torch]") {
    const TorchInterface mine = this_side_interface();
    CHECK(interface_mismatch(mine, mine).empty());
    TorchInterface other = mine;
    other.conv_args += 8;  // a ConvArgs with one more pointer
    const std::string why = interface_mismatch(mine, other);
    CHECK_THAT(why, Catch::Contains(fmt::format("{}, {}, {} here", mine.problem, mine.conv_args, mine.primitive)));
    CHECK_THAT(why, Catch::Contains(fmt::format("{}, {}, {} in the module", mine.problem, mine.conv_args + 8,
                                                mine.primitive)));
    // The module this build made agrees: a torch primitive prepares.
    CHECK(torch_algorithm().prepare(Problem::parse("mb1ic2ih5oc3oh5kh3ph1"), Direction::fwd, 1).primitive);
}
