#include "harness/verify/memory_guard.hpp"

#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include <fmt/format.h>


namespace convlab {
namespace {

int64_t checked_product(std::initializer_list<int64_t> factors) {
    int64_t n = 1;
    for (int64_t f : factors)
        if (__builtin_mul_overflow(n, f, &n)) throw std::overflow_error("tensor size overflows 64 bits");
    return n;
}

int64_t checked_sum(std::initializer_list<int64_t> terms) {
    int64_t n = 0;
    for (int64_t t : terms)
        if (__builtin_add_overflow(n, t, &n)) throw std::overflow_error("tensor size overflows 64 bits");
    return n;
}

}  // namespace

int64_t tensor_bytes(const Problem& p, Direction d) {
    int64_t x = checked_product({p.mb, p.ic, p.ih, p.iw, 4});
    int64_t w = checked_product({p.oc, p.icg(), p.kh, p.kw, 4});
    int64_t b = checked_product({p.oc, 4});
    int64_t y = checked_product({p.mb, p.oc, p.oh, p.ow, 4});
    // Every direction touches all of x, w and y (or their gradients); bias in fwd and bwd_w.
    return d == Direction::bwd_d ? checked_sum({x, w, y}) : checked_sum({x, w, b, y});
}

int64_t available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    int64_t kib = 0;
    std::string unit;
    while (meminfo >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return INT64_MAX;
}

void ensure_fits_in_memory(const Problem& p, Direction d, std::string_view algorithm, int copies,
                           int64_t workspace_bytes) {
    int64_t available = available_memory_bytes();
    auto refuse = [&](const std::string& needed) {
        throw DoesNotFit(fmt::format("problem {} needs {} for {} {}, but only {} bytes are available", p.str(), needed,
                                     algorithm, to_string(d), available));
    };
    int64_t tensors = 0;
    try {
        tensors = checked_product({tensor_bytes(p, d), copies});
    } catch (const std::overflow_error&) {
        refuse("more bytes than 64 bits can count");
    }
    if (tensors > available) refuse(fmt::format("{} bytes of tensors", tensors));
    int64_t total = 0;
    if (__builtin_add_overflow(tensors, workspace_bytes, &total) || total > available)
        refuse(fmt::format("tensors of {} bytes and a workspace of {} bytes", tensors, workspace_bytes));
}

}  // namespace convlab
