// The benchdnn descriptor grammar of docs/descriptors.md: parse, deduce, validate, print.
#include "algorithms/problem.hpp"

#include <array>
#include <cctype>
#include <map>
#include <optional>

#include <fmt/format.h>

namespace convlab {
namespace {

// Every entry but the name ('n'), which runs to the end of the descriptor.
constexpr std::array<std::string_view, 22> known_keys = {
    "g",  "mb", "ic", "ih", "iw", "id", "oc", "oh", "ow", "od", "kh",
    "kw", "kd", "sh", "sw", "sd", "ph", "pw", "pd", "dh", "dw", "dd"};

bool is_known(std::string_view key) {
    for (auto k : known_keys)
        if (k == key) return true;
    return false;
}

struct Parsed {
    std::map<std::string, int64_t, std::less<>> values;
    std::optional<std::string> name;
};

[[noreturn]] void fail(std::string_view descriptor, const std::string& what) {
    throw ProblemError(fmt::format("invalid descriptor \"{}\": {}", descriptor, what));
}

Parsed tokenize(std::string_view d) {
    Parsed out;
    size_t i = 0;
    while (i < d.size()) {
        char c = d[i];
        if (c == '_') { ++i; continue; }
        if (c == 'n') {  // the name runs to the end, optionally in double quotes
            std::string_view rest = d.substr(i + 1);
            if (!rest.empty() && rest.front() == '"') {
                size_t close = rest.find('"', 1);
                if (close == std::string_view::npos) fail(d, "name has no closing quote");
                if (close + 1 != rest.size())
                    fail(d, fmt::format("unexpected text '{}' after the quoted name", rest.substr(close + 1)));
                out.name = std::string(rest.substr(1, close - 1));
            } else {
                if (rest.find('"') != std::string_view::npos) fail(d, "a stray quote in the name");
                out.name = std::string(rest);
            }
            return out;
        }
        if (!std::islower(static_cast<unsigned char>(c)))
            fail(d, fmt::format("unexpected '{}' at position {}", d.substr(i), i));
        // Every key is two letters but 'g'.
        size_t key_end = c == 'g' ? i + 1 : std::min(i + 2, d.size());
        std::string key(d.substr(i, key_end - i));
        if (!is_known(key)) fail(d, fmt::format("unknown entry '{}'", d.substr(i, std::min<size_t>(d.size() - i, 8))));
        size_t digits = key_end;
        while (digits < d.size() && std::isdigit(static_cast<unsigned char>(d[digits]))) ++digits;
        if (digits == key_end) {
            if (key_end < d.size() && d[key_end] == '-') fail(d, fmt::format("'{}' must be a non-negative integer", key));
            fail(d, fmt::format("entry '{}' has no value", key));
        }
        int64_t value = 0;
        for (size_t k = key_end; k < digits; ++k) {
            int digit = d[k] - '0';
            if (value > (INT64_MAX - digit) / 10)
                fail(d, fmt::format("value of '{}' overflows 64 bits", key));
            value = value * 10 + digit;
        }
        if (!out.values.emplace(key, value).second) fail(d, fmt::format("entry '{}' given twice", key));
        i = digits;
    }
    return out;
}

int64_t checked_mul(std::string_view d, int64_t a, int64_t b, std::string_view what) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) fail(d, fmt::format("{} overflows 64 bits", what));
    return r;
}

int64_t checked_add(std::string_view d, int64_t a, int64_t b, std::string_view what) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) fail(d, fmt::format("{} overflows 64 bits", what));
    return r;
}

struct Dim {  // one spatial dimension: input, output, kernel, stride, padding, dilation
    int64_t i = 1, o = 1, k = 1, s = 1, p = 0, d = 0;
};

// Reads the entries of one dimension ('h' or 'w') and applies the deduction rules.
Dim deduce(std::string_view desc, const Parsed& in, char axis) {
    auto get = [&](char prefix) -> std::optional<int64_t> {
        auto it = in.values.find(std::string{prefix, axis});
        if (it == in.values.end()) return std::nullopt;
        return it->second;
    };
    auto name = [&](char prefix) { return std::string{prefix, axis}; };
    auto i = get('i'), o = get('o'), k = get('k'), s = get('s'), p = get('p'), d = get('d');
    if (!i) fail(desc, fmt::format("'{}' is required when any {} entry is given", name('i'), axis == 'h' ? "height" : "width"));
    if (!k) fail(desc, fmt::format("'{}' is required when any {} entry is given", name('k'), axis == 'h' ? "height" : "width"));
    Dim dim{*i, 0, *k, s.value_or(1), p.value_or(0), d.value_or(0)};
    if (dim.i == 0) fail(desc, fmt::format("'{}' must be positive", name('i')));
    if (dim.k == 0) fail(desc, fmt::format("'{}' must be positive", name('k')));
    if (dim.s == 0) fail(desc, fmt::format("stride '{}' must be positive", name('s')));
    int64_t extent = checked_add(desc, checked_mul(desc, dim.k - 1, checked_add(desc, dim.d, 1, "dilation"), "kernel extent"), 1, "kernel extent");
    if (o) {
        dim.o = *o;
        if (dim.o == 0) fail(desc, fmt::format("'{}' must be positive", name('o')));
        if (!p) {
            int64_t span = checked_add(desc, checked_mul(desc, dim.o - 1, dim.s, "output span"), extent, "output span");
            int64_t twice = span - dim.i;
            if (twice < 0)
                fail(desc, fmt::format("deduced '{}' is negative: '{}' is too small for '{}'", name('p'), name('o'), name('i')));
            dim.p = twice / 2;
        }
    } else {
        int64_t padded = checked_add(desc, dim.i, checked_mul(desc, 2, dim.p, "padded input"), "padded input");
        if (extent > padded)
            fail(desc, fmt::format("kernel extent {} ('{}' with '{}') is larger than the padded input {}", extent,
                                   name('k'), name('d'), padded));
        dim.o = (padded - extent) / dim.s + 1;
    }
    // The bottom/right padding, (o - 1) * s - i + extent - p, must be computable too.
    int64_t span = checked_add(desc, checked_mul(desc, dim.o - 1, dim.s, "output span"), extent, "output span");
    int64_t bottom;
    if (__builtin_sub_overflow(span, dim.i, &bottom) || __builtin_sub_overflow(bottom, dim.p, &bottom))
        fail(desc, fmt::format("the {} padding overflows 64 bits", axis == 'h' ? "bottom" : "right"));
    return dim;
}

bool has_axis(const Parsed& in, char axis) {
    for (char prefix : {'i', 'o', 'k', 's', 'p', 'd'})
        if (in.values.count(std::string{prefix, axis})) return true;
    return false;
}

}  // namespace

Problem Problem::parse(std::string_view descriptor) {
    // Surrounding whitespace is not part of the descriptor.
    while (!descriptor.empty() && std::isspace(static_cast<unsigned char>(descriptor.front()))) descriptor.remove_prefix(1);
    while (!descriptor.empty() && std::isspace(static_cast<unsigned char>(descriptor.back()))) descriptor.remove_suffix(1);
    if (descriptor.empty()) throw ProblemError("invalid descriptor \"\": it is empty");

    Parsed in = tokenize(descriptor);
    for (const char* key : {"id", "od", "kd", "sd", "pd", "dd"})
        if (in.values.count(key))
            throw UnsupportedProblem(fmt::format("descriptor \"{}\": 3-D convolution ('{}') is not supported", descriptor, key));

    Problem p;
    auto value = [&](const char* key, int64_t fallback) {
        auto it = in.values.find(key);
        return it == in.values.end() ? fallback : it->second;
    };
    if (!in.values.count("ic")) fail(descriptor, "'ic' is required");
    if (!in.values.count("oc")) fail(descriptor, "'oc' is required");
    p.g = value("g", 1);
    p.mb = value("mb", 2);
    p.ic = value("ic", 0);
    p.oc = value("oc", 0);
    if (p.g == 0) fail(descriptor, "'g' must be positive");
    if (p.mb == 0) fail(descriptor, "'mb' must be positive");
    if (p.ic == 0) fail(descriptor, "'ic' must be positive");
    if (p.oc == 0) fail(descriptor, "'oc' must be positive");
    if (p.ic % p.g) fail(descriptor, fmt::format("'ic{}' is not divisible by 'g{}'", p.ic, p.g));
    if (p.oc % p.g) fail(descriptor, fmt::format("'oc{}' is not divisible by 'g{}'", p.oc, p.g));

    bool height = has_axis(in, 'h'), width = has_axis(in, 'w');
    if (!height && !width) fail(descriptor, "no spatial entries: give 'ih' and 'kh' (or 'iw' and 'kw' for 1-D)");
    Dim h = height ? deduce(descriptor, in, 'h') : Dim{};  // no height entry: 1-D
    Dim w = width ? deduce(descriptor, in, 'w') : h;       // no width entry: square
    p.ih = h.i, p.oh = h.o, p.kh = h.k, p.sh = h.s, p.ph = h.p, p.dh = h.d;
    p.iw = w.i, p.ow = w.o, p.kw = w.k, p.sw = w.s, p.pw = w.p, p.dw = w.d;

    if (in.name) {
        p.name = *in.name;
        size_t star = p.name.rfind('*');
        if (star != std::string::npos && star + 1 < p.name.size() &&
            p.name.find_first_not_of("0123456789", star + 1) == std::string::npos && p.name.size() - star <= 10) {
            p.weight = std::stoll(p.name.substr(star + 1));
            if (p.weight == 0) fail(descriptor, "the '*N' weight of the name must be positive");
            p.name.resize(star);
        }
    }
    return p;
}

std::string Problem::str() const {
    std::string s = g != 1 ? fmt::format("g{}", g) : "";
    s += fmt::format("mb{}ic{}", mb, ic);
    auto axis = [](char a, int64_t i, int64_t o, int64_t k, int64_t st, int64_t p, int64_t d) {
        std::string r = fmt::format("i{}{}o{}{}k{}{}", a, i, a, o, a, k);
        if (st != 1) r += fmt::format("s{}{}", a, st);
        r += fmt::format("p{}{}", a, p);
        if (d != 0) r += fmt::format("d{}{}", a, d);
        return r;
    };
    bool one_d = ih == 1 && oh == 1 && kh == 1 && sh == 1 && ph == 0 && dh == 0;
    bool square = iw == ih && ow == oh && kw == kh && sw == sh && pw == ph && dw == dh;
    std::string h = axis('h', ih, oh, kh, sh, ph, dh), w = axis('w', iw, ow, kw, sw, pw, dw);
    // Entries may come in any order: the height and width groups follow oc.
    s += fmt::format("oc{}", oc);
    if (square)
        s += h;
    else if (one_d)
        s += w;
    else
        s += h + w;
    // The weight is written when it is not 1, and also when the name itself
    // ends in "*digits", which would otherwise be read back as a weight.
    size_t star = name.rfind('*');
    bool name_looks_weighted = star != std::string::npos && star + 1 < name.size() &&
                               name.find_first_not_of("0123456789", star + 1) == std::string::npos;
    if (weight != 1 || name_looks_weighted)
        s += fmt::format("n\"{}*{}\"", name, weight);
    else if (!name.empty())
        s += fmt::format("n\"{}\"", name);
    return s;
}

namespace {

// The (output, tap) pairs of one axis whose input index o*s - p + k*(d+1)
// lies in 0..i-1. Each axis is counted alone: a tap is inside the input when
// it is inside along both axes, so the 2-D count is the product.
double taps_inside(int64_t i, int64_t o, int64_t k, int64_t s, int64_t p, int64_t d) {
    int64_t inside = 0;
    for (int64_t out = 0; out < o; ++out)
        for (int64_t tap = 0; tap < k; ++tap) {
            const int64_t at = out * s - p + tap * (d + 1);
            inside += at >= 0 && at < i;
        }
    return double(inside);
}

}  // namespace

double Problem::useful_flops() const {
    return 2.0 * double(mb) * double(oc) * double(icg()) * taps_inside(ih, oh, kh, sh, ph, dh) *
           taps_inside(iw, ow, kw, sw, pw, dw);
}

double Problem::flops() const {
    return 2.0 * double(mb) * double(oc) * double(oh) * double(ow) * double(icg()) * double(kh) * double(kw);
}

}  // namespace convlab
