// libFuzzer target: Problem::parse on arbitrary text. Beyond not crashing (and
// no undefined behaviour under UBSan), an accepted descriptor must satisfy the
// rules of docs/descriptors.md and survive parse(str()).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "algorithms/problem.hpp"
#include "algorithms/tensor.hpp"

using convlab::Problem;

namespace {

[[noreturn]] void broken(const char* what, const Problem& p) {
    std::fprintf(stderr, "fuzz_descriptor: %s: %s\n", what, p.str().c_str());
    std::abort();
}

// Sizes of an accepted problem, computed only when they fit in 64 bits.
void touch_sizes(const Problem& p) {
    for (const auto& dims : {p.x_dims(), p.w_dims(), p.b_dims(), p.y_dims()}) {
        try {
            (void)convlab::element_count(dims);
        } catch (const std::overflow_error&) {
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    Problem p;
    try {
        p = Problem::parse(text);
    } catch (const convlab::ProblemError&) {
        return 0;
    } catch (const convlab::UnsupportedProblem&) {
        return 0;
    }
    if (p.g < 1 || p.mb < 0 || p.ic < 1 || p.oc < 1) broken("accepted bad g/mb/ic/oc", p);
    if (p.ic % p.g != 0 || p.oc % p.g != 0) broken("accepted channels not divisible by g", p);
    if (p.oh < 1 || p.ow < 1 || p.ih < 1 || p.iw < 1 || p.kh < 1 || p.kw < 1) broken("accepted a size < 1", p);
    if (p.sh < 1 || p.sw < 1 || p.dh < 0 || p.dw < 0 || p.ph < 0 || p.pw < 0) broken("accepted bad stride/dilation/padding", p);
    (void)p.extent_h();
    (void)p.extent_w();
    (void)p.ph_bottom();
    (void)p.pw_right();
    (void)p.flops();
    touch_sizes(p);

    const std::string canonical = p.str();
    Problem again;
    try {
        again = Problem::parse(canonical);
    } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "fuzz_descriptor: str() does not parse back: %s\n", error.what());
        broken("round trip", p);
    }
    if (!(again == p)) broken("parse(str()) != p", p);
    if (again.str() != canonical) broken("str() is not canonical", p);
    return 0;
}
