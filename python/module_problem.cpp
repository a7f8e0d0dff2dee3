// convlab.Problem (a benchdnn descriptor parsed: the same type as everywhere
// in convlab) and convlab.shape_set(name).
#include <pybind11/stl.h>

#include <fmt/format.h>

#include "algorithms/layer_class.hpp"
#include "algorithms/settings.hpp"
#include "algorithms/threading.hpp"
#include "harness/io/shape_file.hpp"
#include "module.hpp"

namespace convlab::python {

Problem problem_of(py::handle value) {
    if (py::isinstance<Problem>(value)) return value.cast<Problem>();
    if (py::isinstance<py::str>(value)) return Problem::parse(value.cast<std::string>());
    throw py::type_error(fmt::format("a problem is a convlab.Problem or a descriptor string, not {}",
                                     py::str(py::type::of(value).attr("__name__")).cast<std::string>()));
}

Direction direction_of(py::handle value) {
    if (!py::isinstance<py::str>(value))
        throw py::type_error("a direction is one of the strings 'fwd', 'bwd_d', 'bwd_w'");
    return parse_direction(value.cast<std::string>());  // ProblemError: ValueError
}

int threads_of(py::handle value) {
    if (value.is_none()) return all_cores();
    if (py::isinstance<py::bool_>(value) || !py::isinstance<py::int_>(value))
        throw py::type_error("threads is None (every core) or an int");
    return thread_count("threads", py::str(value).cast<std::string>());  // SettingError: ValueError
}

DataConditions conditions_of(py::handle data, py::handle ftz) {
    DataConditions conditions;
    if (!data.is_none()) {
        if (!py::isinstance<py::str>(data)) throw py::type_error("data is None or a string such as 'denormal:0.1'");
        conditions.data = parse_data_spec("data", data.cast<std::string>());  // SettingError: ValueError
    }
    if (py::isinstance<py::bool_>(ftz)) conditions.flush_denormals = ftz.cast<bool>();
    else if (py::isinstance<py::str>(ftz)) conditions.flush_denormals = parse_on_off("ftz", ftz.cast<std::string>());
    else if (!ftz.is_none()) throw py::type_error("ftz is None, a bool, or 'on' / 'off'");
    return conditions;
}

std::string shape_text(const std::vector<int64_t>& dims) {
    return dims.size() == 1 ? fmt::format("({},)", dims[0]) : fmt::format("({})", fmt::join(dims, ", "));
}

namespace {

std::vector<int64_t> dims_named(const Problem& p, const std::string& name) {
    if (name == "x" || name == "dx") return p.x_dims();
    if (name == "w" || name == "dw") return p.w_dims();
    if (name == "b" || name == "db") return p.b_dims();
    if (name == "y" || name == "dy") return p.y_dims();
    throw py::value_error(fmt::format("no tensor '{}' (expected x, w, b, y, dx, dw, db or dy)", name));
}

py::tuple as_tuple(const std::vector<int64_t>& dims) {
    py::tuple t(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) t[i] = py::int_(dims[i]);
    return t;
}

// The problems of a shape file or bundled set; 3-D lines, which convlab
// does not do, are left out.
std::vector<Problem> shape_set(const std::string& name_or_path) {
    std::vector<Problem> problems;
    for (const ShapeEntry& entry : read_shape_file(find_shape_file(name_or_path)).entries)
        if (!entry.unsupported) problems.push_back(entry.problem);
    return problems;
}

}  // namespace

void add_problem(py::module_& m) {
    auto problem = py::class_<Problem>(m, "Problem", "a 2-D convolution problem, from a benchdnn descriptor");
    problem.def(py::init([](const std::string& descriptor) { return Problem::parse(descriptor); }),
                py::arg("descriptor"), "parses a benchdnn descriptor such as 'mb2ic16ih8oc16kh3ph1'");
    problem.def(py::init([](const Problem& p) { return p; }), py::arg("problem"));
#define CONVLAB_FIELD(f) problem.def_readonly(#f, &Problem::f)
    CONVLAB_FIELD(g); CONVLAB_FIELD(mb); CONVLAB_FIELD(ic); CONVLAB_FIELD(ih); CONVLAB_FIELD(iw);
    CONVLAB_FIELD(oc); CONVLAB_FIELD(oh); CONVLAB_FIELD(ow); CONVLAB_FIELD(kh); CONVLAB_FIELD(kw);
    CONVLAB_FIELD(sh); CONVLAB_FIELD(sw); CONVLAB_FIELD(ph); CONVLAB_FIELD(pw); CONVLAB_FIELD(dh);
    CONVLAB_FIELD(dw); CONVLAB_FIELD(name); CONVLAB_FIELD(weight);
#undef CONVLAB_FIELD
    problem.def("shape", [](const Problem& p, const std::string& name) { return as_tuple(dims_named(p, name)); },
                py::arg("tensor"), "the shape of tensor 'x', 'w', 'b' or 'y' (or 'dx', 'dw', 'db', 'dy')");
    problem.def("ph_bottom", &Problem::ph_bottom, "bottom padding (may differ from ph, may be negative)");
    problem.def("pw_right", &Problem::pw_right, "right padding (may differ from pw, may be negative)");
    problem.def("flops", &Problem::flops, "2 mb oc oh ow ic/g kh kw, the same for every direction: the nominal "
                "count, padding taps included, that gflops_median is credited with");
    problem.def("useful_flops", &Problem::useful_flops, "2 x the multiply-adds whose input tap lies inside the "
                "input (benchdnn's count), the same for every direction: the count peak_fraction places");
    problem.def("layer_class", [](const Problem& p) { return layer_class(p); },
                "the layer class the CSV's layer_class column and `convlab pick` give it: depthwise, 1x1_s1, "
                "1x1_s2, 3x3_s1, 3x3_s2, 7x7_stem, large_kernel or other");
    problem.def("with_mb", [](Problem p, int64_t mb) {
        if (mb < 1) throw py::value_error("mb must be at least 1");
        p.mb = mb;
        return Problem::parse(p.str());
    }, py::arg("mb"), "the same problem with another minibatch");
    problem.def("__str__", &Problem::str);
    problem.def("__repr__", [](const Problem& p) { return fmt::format("convlab.Problem('{}')", p.str()); });
    problem.def("__eq__", [](const Problem& a, const Problem& b) { return a == b; }, py::is_operator());
    problem.def("__hash__", [](const Problem& p) { return py::hash(py::str(p.str())); });
    problem.def(py::pickle([](const Problem& p) { return p.str(); },
                           [](const std::string& descriptor) { return Problem::parse(descriptor); }));

    m.def("shape_set", &shape_set, py::arg("name"),
          "the problems of a bundled shape set ('resnet_50', ...) or a shape file path (3-D lines left out)");
}

}  // namespace convlab::python
