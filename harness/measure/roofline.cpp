#include "harness/measure/roofline.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace convlab {

namespace {

constexpr double bytes_per_element = 4;  // fp32

void require_rates(double ai, double peak, double bandwidth) {
    for (double v : {ai, peak, bandwidth})
        if (!(v >= 0))
            throw std::invalid_argument("roofline: intensity, peak and bandwidth must be >= 0, got " +
                                        std::to_string(v));
}

}  // namespace

double compulsory_bytes(const Problem& p, Direction d) {
    double elements = 0;
    switch (d) {
        case Direction::fwd: elements = double(p.x_elems() + p.w_elems() + p.b_elems() + p.y_elems()); break;
        case Direction::bwd_d: elements = double(p.y_elems() + p.w_elems() + p.x_elems()); break;
        case Direction::bwd_w: elements = double(p.x_elems() + p.y_elems() + p.w_elems() + p.b_elems()); break;
    }
    return elements * bytes_per_element;
}

double arithmetic_intensity(const Problem& p, Direction d) {
    const double bytes = compulsory_bytes(p, d);
    if (!(bytes > 0)) throw std::invalid_argument("arithmetic_intensity: problem has no elements: " + p.str());
    return p.useful_flops() / bytes;
}

double attainable_gflops(double ai, double peak_gflops, double bandwidth_gb_s) {
    require_rates(ai, peak_gflops, bandwidth_gb_s);
    return std::min(peak_gflops, ai * bandwidth_gb_s);
}

std::string_view roofline_bound(double ai, double peak_gflops, double bandwidth_gb_s) {
    require_rates(ai, peak_gflops, bandwidth_gb_s);
    return ai * bandwidth_gb_s >= peak_gflops ? "compute" : "memory";
}

}  // namespace convlab
