// Problem::parse / str / flops checked against docs/descriptors.md. Every expected
// value below was worked out by hand from the rules there (shown in comments),
// not taken from the implementation; useful_flops also against a brute-force
// count of the taps inside the input.
#include "algorithms/problem.hpp"
#include "algorithms/layer_class.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/random_problem.hpp"

using namespace convlab;

namespace {

struct Expected {
    int64_t ih, oh, kh, sh, ph, dh;
};

void check_height(const Problem& p, Expected e) {
    CHECK(p.ih == e.ih);
    CHECK(p.oh == e.oh);
    CHECK(p.kh == e.kh);
    CHECK(p.sh == e.sh);
    CHECK(p.ph == e.ph);
    CHECK(p.dh == e.dh);
}

void check_width(const Problem& p, Expected e) {
    CHECK(p.iw == e.ih);
    CHECK(p.ow == e.oh);
    CHECK(p.kw == e.kh);
    CHECK(p.sw == e.sh);
    CHECK(p.pw == e.ph);
    CHECK(p.dw == e.dh);
}

// The descriptor must be rejected with a ProblemError whose message contains
// one of `names` (the entry at fault).
void require_error(const std::string& descriptor, const std::vector<std::string>& names) {
    INFO("descriptor: " << descriptor);
    try {
        const Problem p = Problem::parse(descriptor);
        FAIL("accepted as " << p.str());
    } catch (const ProblemError& error) {
        std::string message = error.what();
        INFO("message: " << message);
        // The message may quote the descriptor; the entry must be named apart from it.
        for (size_t at; (at = message.find(descriptor)) != std::string::npos;) message.erase(at, descriptor.size());
        bool named = false;
        for (const std::string& name : names) named = named || message.find(name) != std::string::npos;
        CHECK(named);
    }
}

// Descriptor lines of a shape file: comments, blank and option lines dropped.
std::vector<std::string> descriptor_lines(const std::filesystem::path& file) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        line = line.substr(0, line.find('#'));
        const size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        if (!line.starts_with("--")) lines.push_back(line);
    }
    return lines;
}

}  // namespace

TEST_CASE("Problem::parse reads every entry as written", "[problem]") {
    const Problem p = Problem::parse("g2mb4ic8ih10iw12oc6oh5ow4kh3kw2sh2sw3ph1pw0dh1dw2n\"full\"");
    CHECK(p.g == 2);
    CHECK(p.mb == 4);
    CHECK(p.ic == 8);
    CHECK(p.oc == 6);
    check_height(p, {10, 5, 3, 2, 1, 1});
    CHECK(p.iw == 12);
    CHECK(p.ow == 4);
    CHECK(p.kw == 2);
    CHECK(p.sw == 3);
    CHECK(p.pw == 0);
    CHECK(p.dw == 2);
    CHECK(p.name == "full");
    CHECK(p.weight == 1);
    CHECK(p.icg() == 4);
    CHECK(p.ocg() == 3);
}

TEST_CASE("Problem::parse defaults: g1, mb2, stride 1, dilation 0, padding 0", "[problem]") {
    const Problem p = Problem::parse("ic1ih1oc1kh1");
    CHECK(p.g == 1);
    CHECK(p.mb == 2);
    check_height(p, {1, 1, 1, 1, 0, 0});
    check_width(p, {1, 1, 1, 1, 0, 0});
    CHECK(p.name.empty());
    CHECK(p.weight == 1);
}

TEST_CASE("Problem::parse deduces oh from ph (default 0) when oh is absent", "[problem]") {
    // oh = (ih - extent + 2 ph) / sh + 1
    check_height(Problem::parse("ic3ih10oc4kh3"), {10, 8, 3, 1, 0, 0});          // (10-3)/1+1
    check_height(Problem::parse("ic3ih10oc4kh3sh2ph1"), {10, 5, 3, 2, 1, 0});    // (10-3+2)/2+1 = 4+1
    check_height(Problem::parse("ic3ih11oc4kh3sh2ph1"), {11, 6, 3, 2, 1, 0});    // (11-3+2)/2+1 = 5+1
    check_height(Problem::parse("ic3ih7oc4kh3sh3"), {7, 2, 3, 3, 0, 0});         // 4/3+1 = 1+1
}

TEST_CASE("Problem::parse deduces ph from oh when ph is absent", "[problem]") {
    // ph = ((oh - 1) sh - ih + extent) / 2
    check_height(Problem::parse("ic3ih10oc4oh10kh3"), {10, 10, 3, 1, 1, 0});        // (9-10+3)/2 = 1
    check_height(Problem::parse("ic3ih224oc4oh112kh7sh2"), {224, 112, 7, 2, 2, 0});  // (222-224+7)/2 = 2
    check_height(Problem::parse("ic3ih56oc4oh56kh1"), {56, 56, 1, 1, 0, 0});         // (55-56+1)/2 = 0
}

TEST_CASE("Problem bottom padding may differ from the top and be negative", "[problem]") {
    // ph_bottom = (oh - 1) sh - ih + extent - ph
    const Problem deduced_ph = Problem::parse("ic3ih224oc4oh112kh7sh2");
    CHECK(deduced_ph.ph_bottom() == 3);  // 222 - 224 + 7 - 2
    const Problem stride_remainder = Problem::parse("ic1ih8oc1kh3sh2");
    CHECK(stride_remainder.oh == 3);               // (8-3)/2+1
    CHECK(stride_remainder.ph_bottom() == -1);     // 4 - 8 + 3 - 0: the last row is never covered
    const Problem dilated = Problem::parse("mb20ic4ih8oc6oh3kh3sh2ph1dh1");
    CHECK(dilated.extent_h() == 5);
    CHECK(dilated.ph_bottom() == 0);  // 4 - 8 + 5 - 1
    const Problem explicit_both = Problem::parse("ic1ih11iw11oc1oh4ow4kh3kw3sh3sw3ph1pw2");
    CHECK(explicit_both.ph_bottom() == 0);    // 9 - 11 + 3 - 1
    CHECK(explicit_both.pw_right() == -1);    // 9 - 11 + 3 - 2
    // A given oh can ask for bottom padding: the dilated extent 5 fits 4 + 0 + 1.
    CHECK(Problem::parse("ic1ih4oc1oh1kh3dh1ph0").ph_bottom() == 1);  // 0 - 4 + 5 - 0
}

TEST_CASE("Problem with no width entry is square, after deduction", "[problem]") {
    // extent 5; oh = (9-5)/2+1 = 3
    const Problem p = Problem::parse("ic2ih9oc2kh3sh2dh1");
    check_height(p, {9, 3, 3, 2, 0, 1});
    check_width(p, {9, 3, 3, 2, 0, 1});
    // ph deduced: (4*2 - 9 + 5)/2 = 2, copied to pw
    const Problem q = Problem::parse("ic2ih9oc2oh5kh3sh2dh1");
    check_height(q, {9, 5, 3, 2, 2, 1});
    check_width(q, {9, 5, 3, 2, 2, 1});
    CHECK(q.pw_right() == q.ph_bottom());
}

TEST_CASE("Problem with no height entry is 1-D", "[problem]") {
    // extent_w = 2*2+1 = 5; ow = (20-5+2)/2+1 = 9; pw_right = 16-20+5-1 = 0
    const Problem p = Problem::parse("ic4iw20oc8kw3sw2pw1dw1");
    check_height(p, {1, 1, 1, 1, 0, 0});
    check_width(p, {20, 9, 3, 2, 1, 1});
    CHECK(p.pw_right() == 0);
    const Problem wavenet = Problem::parse("mb1_g1ic32oc32_iw84350ow84349kw2sw1dw0pw0n\"wavenet:conv1d_1\"");
    check_height(wavenet, {1, 1, 1, 1, 0, 0});
    check_width(wavenet, {84350, 84349, 2, 1, 0, 0});
    CHECK(wavenet.mb == 1);
}

TEST_CASE("Problem dilation dh counts inserted zeros: dh1 has extent 2k-1", "[problem]") {
    const Problem p = Problem::parse("ic1ih7oc1kh3dh1");
    CHECK(p.extent_h() == 5);
    CHECK(p.oh == 3);  // 7 - 5 + 1
    CHECK(Problem::parse("ic1ih12oc1kh4dh2").extent_h() == 10);  // (4-1)*3+1
    CHECK(Problem::parse("ic1ih9oc1kh4dh0").extent_h() == 4);
    // Padding can make room for a dilated kernel wider than the input: 5 <= 4 + 2.
    CHECK(Problem::parse("ic1ih4oc1kh3dh1ph1").oh == 2);  // (4-5+2)/1+1
}

TEST_CASE("Problem::parse takes '_' anywhere and entries in any order", "[problem]") {
    const Problem plain = Problem::parse("ic3ih10oc4kh3");
    CHECK(Problem::parse("_oc4__kh3_ic3_ih10_") == plain);
    CHECK(Problem::parse("kh3ih10oc4ic3") == plain);
    CHECK(Problem::parse("mb2_g1_ic3ih10_oc4_kh3") == plain);
}

TEST_CASE("Problem names: quoted, unquoted, and the *N weight", "[problem]") {
    CHECK(Problem::parse("ic1ih1oc1kh1n\"resnet_50:conv1\"").name == "resnet_50:conv1");
    CHECK(Problem::parse("ic1ih1oc1kh1nplain").name == "plain");
    CHECK(Problem::parse("ic1ih1oc1kh1_nconv_1").name == "conv_1");
    const Problem weighted = Problem::parse("mb50ic64ih56oc256oh56kh1ph0n\"resnet_50:res2a_branch1*4\"");
    CHECK(weighted.name == "resnet_50:res2a_branch1");
    CHECK(weighted.weight == 4);
    const Problem unquoted = Problem::parse("ic1ih1oc1kh1nlayer*12");
    CHECK(unquoted.name == "layer");
    CHECK(unquoted.weight == 12);
    // The name is not part of the geometry but is part of the problem.
    CHECK(Problem::parse("ic1ih1oc1kh1na") != Problem::parse("ic1ih1oc1kh1nb"));
}

TEST_CASE("Problem::flops is 2 mb oc oh ow (ic/g) kh kw", "[problem]") {
    CHECK(Problem::parse("g2mb4ic8ih10iw12oc6oh5ow6kh3kw2sh2sw2ph1pw0").flops() == 34560.0);  // 2*4*6*5*6*4*3*2
    CHECK(Problem::parse("g1mb50ic3ih224iw224oc64oh112ow112kh7kw7sh2sw2ph3pw3").flops() == 11801395200.0);
    // Dilation and stride change the output size, not the per-output work.
    CHECK(Problem::parse("mb1ic1ih7oc1kh3dh1").flops() == 2.0 * 3 * 3 * 3 * 3);
}

namespace {

// The useful count by brute force: every output pixel against every tap,
// the tap's input row and column checked against the input's bounds.
double taps_inside_by_brute_force(const Problem& p) {
    double inside = 0;
    for (int64_t oh = 0; oh < p.oh; ++oh)
        for (int64_t ow = 0; ow < p.ow; ++ow)
            for (int64_t kh = 0; kh < p.kh; ++kh)
                for (int64_t kw = 0; kw < p.kw; ++kw) {
                    const int64_t row = oh * p.sh - p.ph + kh * (p.dh + 1);
                    const int64_t col = ow * p.sw - p.pw + kw * (p.dw + 1);
                    inside += row >= 0 && row < p.ih && col >= 0 && col < p.iw;
                }
    return inside;
}

}  // namespace

TEST_CASE("Problem::useful_flops counts only the taps inside the input, by hand", "[problem]") {
    // 3x3 pad 1 on 4x4: 4 corner outputs see 2x2 taps, 8 edge outputs 2x3,
    // 4 inner outputs 3x3: 16 + 48 + 36 = 100 of the 144 taps.
    const Problem border = Problem::parse("mb1ic1ih4oc1oh4kh3ph1");
    CHECK(border.flops() == 2.0 * 144);
    CHECK(border.useful_flops() == 2.0 * 100);
    // Height: ih4 oh3 kh3 sh2 ph1 (bottom padding 2): rows o*2-1+k, inside
    // 2 + 3 + 1 = 6 of 9. Width: iw5 ow5 kw3 pw2 dw1 (taps 2 apart, right
    // padding 2): columns o-2+2k, inside 2 + 2 + 3 + 2 + 2 = 11 of 15.
    // 2 * mb 2 * oc 6 * ic/g 2 * 6 * 11 = 3168.
    const Problem uneven = Problem::parse("g2mb2ic4ih4iw5oc6oh3ow5kh3kw3sh2sw1ph1pw2dw1");
    REQUIRE(uneven.ph_bottom() == 2);
    REQUIRE(uneven.pw_right() == 2);
    CHECK(uneven.useful_flops() == 3168.0);
    // Negative bottom padding (the last input row is never read) and no top
    // padding: every tap is inside, so the two counts agree.
    const Problem cropped = Problem::parse("mb1ic3ih6iw6oc2oh2ow2kh3kw3sh2sw2ph0pw0");
    REQUIRE(cropped.ph_bottom() == -1);
    CHECK(cropped.useful_flops() == cropped.flops());
}

TEST_CASE("Problem::useful_flops matches a brute-force count of taps on random problems", "[problem]") {
    const uint64_t seed = testing::test_seed(20251207);
    testing::RandomProblems problems(seed);
    int padded = 0;  // problems where the counts differ: the test covers them
    for (int i = 0; i < 2000; ++i) {
        const Problem p = problems.next();
        INFO("seed " << seed << ", problem " << p.str());
        const double expected = 2.0 * double(p.mb * p.oc * p.icg()) * taps_inside_by_brute_force(p);
        REQUIRE(p.useful_flops() == expected);
        REQUIRE(p.useful_flops() <= p.flops());
        padded += p.useful_flops() < p.flops();
    }
    CHECK(padded > 100);
}

TEST_CASE("Problem round-trips through str() on every bundled shape", "[problem]") {
    int checked = 0, unsupported = 0;
    for (const auto& item : std::filesystem::directory_iterator(CONVLAB_SHAPES_SOURCE_DIR)) {
        const std::string file = item.path().filename().string();
        if (file == "README.md" || file.starts_with("LICENSE")) continue;
        for (const std::string& line : descriptor_lines(item.path())) {
            INFO(file << ": " << line);
            Problem p;
            try {
                p = Problem::parse(line);
            } catch (const UnsupportedProblem&) {
                ++unsupported;
                continue;
            }
            const std::string canonical = p.str();
            INFO("str(): " << canonical);
            CHECK(Problem::parse(canonical) == p);
            CHECK(Problem::parse(canonical).str() == canonical);
            ++checked;
        }
    }
    CHECK(checked > 300);
    // The depth lines of dilated (15) and tails (10), and the Conv3d lines of
    // torchvision's six video models (137: its header counts them per model).
    CHECK(unsupported == 25 + 137);
}

TEST_CASE("Problem round-trips names that themselves end in *N", "[problem]") {
    // Found by fuzz/fuzz_descriptor: only the last "*N" is the weight, so the
    // name of "a*2*1" is "a*2" with weight 1, and str() must keep it that way.
    for (const char* descriptor : {"ic1ih1oc1kh1n\"a*2*1\"", "ic1ih1oc1kh1n\"*0*1\"", "ic1ih1oc1kh1n\"b*3*5\""}) {
        INFO(descriptor);
        const Problem p = Problem::parse(descriptor);
        INFO("str(): " << p.str());
        Problem again;
        REQUIRE_NOTHROW(again = Problem::parse(p.str()));
        CHECK(again == p);
    }
    CHECK(Problem::parse("ic1ih1oc1kh1n\"a*2*1\"").name == "a*2");
}

TEST_CASE("Problem::parse rejects values whose derived sizes overflow 64 bits", "[problem]") {
    // Found by fuzz/fuzz_descriptor: pw = INT64_MAX was accepted, and then
    // pw_right() = (ow-1)*sw - iw + extent - pw overflowed (UBSan).
    CHECK_THROWS_AS(Problem::parse("ic3ih49iw84350oc32ow821kh2kw21pw9223372036854775807"), ProblemError);
    // (ow-1)*sw = 71 * 2049638230412172400 overflows in pw_right().
    CHECK_THROWS_AS(Problem::parse("ic3ih227iw227oc48oh110ow72kh5kw5sh2sw2049638230412172400dh1dw2"), ProblemError);
    CHECK_THROWS_AS(Problem::parse("ic1ih1oc1kh1sh9223372036854775807oh3"), ProblemError);
}

TEST_CASE("Problem::parse rejects bad descriptors, naming the entry", "[problem]") {
    require_error("ic1ih1oc1kh1xy3", {"xy"});
    require_error("ih5oc1kh1", {"ic"});
    require_error("ic1ih5kh1", {"oc"});
    require_error("ic1ih5oc1", {"kh"});
    require_error("ic1oc1kh3", {"ih"});
    require_error("ic1ih5iw5oc1kh1", {"kw"});
    require_error("ic1ih2oc1kh3", {"oh", "kh", "extent"});       // oh = (2-3)/1+1 = 0
    require_error("ic1ih3oc1kh3sh1dh1", {"oh", "kh", "dh", "extent"});  // extent 5 > 3
    require_error("ic1ih5oc1oh0kh1", {"oh"});
    require_error("g2ic3ih5oc4kh1", {"ic"});
    require_error("g2ic4ih5oc3kh1", {"oc"});
    require_error("ic1ih5oc1kh1sh0", {"sh"});
    require_error("ic99999999999999999999ih1oc1kh1", {"ic"});
    require_error("ic1ih1oc1kh1mb18446744073709551617", {"mb"});
    require_error("ic1ih1oc1kh1n\"name\"junk", {"junk", "name"});
    require_error("ic1ih1oc1kh1!", {"!"});
    require_error("ic1ih5ic2oc1kh1", {"ic"});
    require_error("ic1ih5oc1kh1kh1", {"kh"});
    require_error("ic1ih-5oc1kh1", {"ih", "-5"});
    require_error("ic1ihoc1kh1", {"ih"});
    CHECK_THROWS_AS(Problem::parse(""), ProblemError);
    CHECK_THROWS_WITH(Problem::parse("ic1ih1oc1kh1xy3"), Catch::Contains("ic1ih1oc1kh1xy3"));
}

TEST_CASE("Problem::parse reports depth entries as unsupported", "[problem]") {
    for (const char* descriptor : {"ic1id5ih5oc1kh1kd1", "ic1ih5oc1kh1od3", "ic1ih5oc1kh1kd3", "ic1ih5oc1kh1sd2",
                                   "ic1ih5oc1kh1pd1", "ic1ih5oc1kh1dd1",
                                   "mb2ic16id2ih1iw1oc16od1oh1ow1kd2kh1kw1pd0ph0pw0dd1dh0dw0n\"dilated_conv:26\""}) {
        INFO(descriptor);
        CHECK_THROWS_AS(Problem::parse(descriptor), UnsupportedProblem);
    }
}

TEST_CASE("layer classes: one rule for the CSV, pick and the scripts", "[problem]") {
    auto cls = [](const char* d) { return layer_class(Problem::parse(d)); };
    CHECK(cls("mb1ic64ih56oc64kh1") == "1x1_s1");
    CHECK(cls("mb1ic64ih56oc128kh1sh2") == "1x1_s2");
    CHECK(cls("mb1ic64ih56oc64kh3ph1") == "3x3_s1");
    CHECK(cls("mb1ic64ih56oc64kh3sh2ph1") == "3x3_s2");
    CHECK(cls("mb1ic3ih224oc64kh7sh2ph3") == "7x7_stem");
    CHECK(cls("mb1ic64ih56oc64kh7ph3") == "large_kernel");  // 7x7 on many channels is no stem
    CHECK(cls("mb1ic64ih32oc64kh5ph2") == "large_kernel");
    CHECK(cls("mb1g32ic32ih56oc32kh3ph1") == "depthwise");
    CHECK(cls("mb1g2ic64ih56oc64kh3ph1") == "other");    // grouped, not depthwise
    CHECK(cls("mb1ic16ih32oc16kh3dh1ph2") == "other");   // dilated
    CHECK(cls("mb1ic16ih32iw32oc16kh1kw3pw1") == "other");   // rectangular
}
