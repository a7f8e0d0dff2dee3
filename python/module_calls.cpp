// convlab.forward / backward_data / backward_weights: one registered
// algorithm, prepared for the problem, direction and thread count, run once
// on numpy arrays (stage_in, execute, stage_out, as the checker runs it),
// with the GIL released while C++ runs. The arrays are in `layout`
// (algorithms/layout.hpp), which the algorithm must run natively.
#include <fmt/format.h>

#include "algorithms/tensor.hpp"
#include "harness/run/environment.hpp"
#include "harness/run/selection.hpp"
#include "harness/verify/memory_guard.hpp"
#include "module.hpp"

namespace convlab::python {
namespace {

void run(const Problem& p, Direction d, const std::string& algo, int threads, Layout layout, ConvArgs args) {
    check_environment_settings();
    const Algorithm& algorithm = algorithm_named(algo);  // UsageError (ValueError) listing the known ones
    py::gil_scoped_release unlocked;
    const Prepared prepared = algorithm.prepare_in(p, d, threads, layout);
    if (!prepared) throw InputError(prepared.decline_reason);
    const int64_t bytes = prepared.primitive->workspace_bytes();
    ensure_fits_in_memory(p, d, algorithm.name(), 1, bytes);
    auto workspace = aligned_floats((bytes + 3) / 4);
    args.workspace = bytes > 0 ? reinterpret_cast<std::byte*>(workspace.get()) : nullptr;
    prepared.primitive->execute_staged(args);
}

py::array_t<float> forward(py::handle problem, py::handle x, py::handle w, py::handle b, const std::string& algo,
                           py::handle threads, const std::string& layout_text) {
    const Problem p = problem_of(problem);
    const Layout layout = parse_layout("layout", layout_text);
    const AxisOrder act = axis_order(layout.activations), wei = axis_order(layout.weights);
    const int n = threads_of(threads);
    auto x_in = float_input(x, "x", dims_in(p.x_dims(), act));
    auto w_in = float_input(w, "w", dims_in(p.w_dims(), wei));
    py::array_t<float> b_in;
    if (!b.is_none()) b_in = float_input(b, "b", p.b_dims());
    auto y = new_output(dims_in(p.y_dims(), act));
    ConvArgs args;
    args.x = x_in.data(), args.w = w_in.data(), args.b = b.is_none() ? nullptr : b_in.data();
    args.y = y.mutable_data();
    run(p, Direction::fwd, algo, n, layout, args);
    return y;
}

py::array_t<float> backward_data(py::handle problem, py::handle dy, py::handle w, const std::string& algo,
                                 py::handle threads, const std::string& layout_text) {
    const Problem p = problem_of(problem);
    const Layout layout = parse_layout("layout", layout_text);
    const AxisOrder act = axis_order(layout.activations), wei = axis_order(layout.weights);
    const int n = threads_of(threads);
    auto dy_in = float_input(dy, "dy", dims_in(p.y_dims(), act));
    auto w_in = float_input(w, "w", dims_in(p.w_dims(), wei));
    auto dx = new_output(dims_in(p.x_dims(), act));
    ConvArgs args;
    args.dy = dy_in.data(), args.w = w_in.data(), args.dx = dx.mutable_data();
    run(p, Direction::bwd_d, algo, n, layout, args);
    return dx;
}

py::tuple backward_weights(py::handle problem, py::handle x, py::handle dy, const std::string& algo,
                           py::handle threads, const std::string& layout_text) {
    const Problem p = problem_of(problem);
    const Layout layout = parse_layout("layout", layout_text);
    const AxisOrder act = axis_order(layout.activations), wei = axis_order(layout.weights);
    const int n = threads_of(threads);
    auto x_in = float_input(x, "x", dims_in(p.x_dims(), act));
    auto dy_in = float_input(dy, "dy", dims_in(p.y_dims(), act));
    auto dw = new_output(dims_in(p.w_dims(), wei));
    auto db = new_output(p.b_dims());
    ConvArgs args;
    args.x = x_in.data(), args.dy = dy_in.data(), args.dw = dw.mutable_data(), args.db = db.mutable_data();
    run(p, Direction::bwd_w, algo, n, layout, args);
    return py::make_tuple(dw, db);
}

}  // namespace

void add_calls(py::module_& m) {
    m.def("forward", &forward, py::arg("p"), py::arg("x"), py::arg("w"), py::arg("b") = py::none(),
          py::arg("algo") = "im2col_gemm", py::arg("threads") = py::none(), py::arg("layout") = "nchw:oihw",
          "y = x * w + b (b None: no bias) by a registered algorithm");
    m.def("backward_data", &backward_data, py::arg("p"), py::arg("dy"), py::arg("w"),
          py::arg("algo") = "im2col_gemm", py::arg("threads") = py::none(), py::arg("layout") = "nchw:oihw",
          "dx from dy and w");
    m.def("backward_weights", &backward_weights, py::arg("p"), py::arg("x"), py::arg("dy"),
          py::arg("algo") = "im2col_gemm", py::arg("threads") = py::none(), py::arg("layout") = "nchw:oihw",
          "(dw, db) from x and dy");
}

}  // namespace convlab::python
