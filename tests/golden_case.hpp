// The golden cases in tests/golden (see its README): a problem with integer
// inputs and expected outputs computed independently in float64, so an
// algorithm that is exact on integers must reproduce them bit for bit.
#pragma once

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "algorithms/tensor.hpp"
#include "harness/verify/check.hpp"
#include "harness/io/npy.hpp"
#include "tests/algorithm_calls.hpp"

namespace convlab::testing {

inline constexpr std::array<const char*, 4> golden_case_names = {"worked_example", "strided_padded_dilated",
                                                                 "grouped", "stride_remainder"};

struct GoldenCase {
    Problem problem;
    std::string descriptor;  // the text of the folder's descriptor file
    Tensor x, w, b, y, dy, dx, dw, db;
};

inline std::string read_descriptor(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
    return text;
}

inline GoldenCase load_golden(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::path(CONVLAB_GOLDEN_DIR) / name;
    GoldenCase c;
    c.descriptor = read_descriptor(dir / "descriptor");
    c.problem = Problem::parse(c.descriptor);
    c.x = read_npy(dir / "x.npy"), c.w = read_npy(dir / "w.npy"), c.b = read_npy(dir / "b.npy");
    c.y = read_npy(dir / "y.npy"), c.dy = read_npy(dir / "dy.npy");
    c.dx = read_npy(dir / "dx.npy"), c.dw = read_npy(dir / "dw.npy"), c.db = read_npy(dir / "db.npy");
    return c;
}

// Empty when `got` equals `expected` element for element (dims included), else
// the first difference, for the failure message.
inline std::string first_mismatch(const Tensor& got, const Tensor& expected) {
    if (got.dims() != expected.dims()) return "dims differ";
    for (int64_t i = 0; i < got.size(); ++i)
        if (!(got[i] == expected[i])) {
            std::ostringstream out;
            out << "element " << i << " of " << got.size() << ": got " << got[i] << " expected " << expected[i];
            return out.str();
        }
    return {};
}

// Runs one direction of `algorithm` on the golden inputs (outputs poisoned with
// NaN first, by run_algorithm) and returns the first output that differs from
// the golden one, named; empty when all match exactly.
inline std::string golden_mismatch(const Algorithm& algorithm, const GoldenCase& c, Direction d) {
    ConvTensors t;
    t.x = Tensor(c.problem.x_dims()), t.w = Tensor(c.problem.w_dims());
    t.b = Tensor(c.problem.b_dims()), t.dy = Tensor(c.problem.y_dims()), t.y = Tensor(c.problem.y_dims());
    t.dx = Tensor(c.problem.x_dims()), t.dw = Tensor(c.problem.w_dims()), t.db = Tensor(c.problem.b_dims());
    auto copy = [](const Tensor& from, Tensor& to) { std::copy(from.data(), from.data() + from.size(), to.data()); };
    if (d != Direction::bwd_d) copy(c.x, t.x);
    if (d != Direction::bwd_w) copy(c.w, t.w);
    if (d == Direction::fwd) copy(c.b, t.b);
    if (d != Direction::fwd) copy(c.dy, t.dy);
    testing::run_algorithm(algorithm, c.problem, d, t);
    std::string why;
    switch (d) {
        case Direction::fwd:
            if (auto m = first_mismatch(t.y, c.y); !m.empty()) why = "y: " + m;
            break;
        case Direction::bwd_d:
            if (auto m = first_mismatch(t.dx, c.dx); !m.empty()) why = "dx: " + m;
            break;
        case Direction::bwd_w:
            if (auto m = first_mismatch(t.dw, c.dw); !m.empty()) why = "dw: " + m;
            else if (auto m2 = first_mismatch(t.db, c.db); !m2.empty()) why = "db: " + m2;
            break;
    }
    return why;
}

// The worked example's forward output as quoted in tests/golden/README.md
// (output channels 0 and 1, 3x3 each), typed in from there.
inline constexpr std::array<float, 18> worked_example_y = {296, 250, 288, 277, 280, 294, 302, 297, 315,
                                                           291, 252, 263, 230, 267, 239, 223, 283, 257};

}  // namespace convlab::testing
