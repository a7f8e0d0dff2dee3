// The compiled half of the Python module `convlab` (python/convlab/ is the
// other): errors, the algorithm list, and the pieces each file adds.
#include <pybind11/pybind11.h>

#include <filesystem>

#include "algorithms/errors.hpp"
#include "algorithms/machine.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/threading.hpp"
#include "harness/io/metadata.hpp"
#include "harness/io/shape_file.hpp"
#include "harness/run/environment.hpp"
#include "module.hpp"

namespace convlab::python {
namespace {

// convlab.algorithms(): `convlab list --json` as JSON text, parsed by the
// Python layer, so both read the one algorithms_json().
std::string algorithms_json_text() {
    check_environment_settings();
    return algorithms_json().dump();
}

}  // namespace
}  // namespace convlab::python

PYBIND11_MODULE(_convlab, m) {
    namespace py = pybind11;
    using namespace convlab::python;
    m.doc() = "convlab's C++ core; use the package `convlab`";
    m.attr("__version__") = CONVLAB_VERSION;
    // Every error a user can cause is an InputError (algorithms/errors.hpp):
    // a ValueError in Python, with the command line's message.
    py::register_exception_translator([](std::exception_ptr error) {
        try {
            if (error) std::rethrow_exception(error);
        } catch (const convlab::InputError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        }
    });
    m.def("algorithms_json", &algorithms_json_text, "the registered algorithms as `convlab list --json` gives them");
    m.def("set_bundled_shapes_dir",
          [](const std::string& dir) { convlab::set_bundled_shapes_dir(std::filesystem::path(dir)); },
          "where shape_set() finds the bundled shape sets");
    m.def("all_cores", &convlab::all_cores, "the default thread count: every core");
    m.def("set_isa", [](const std::string& name) { convlab::set_isa_cap("isa", convlab::parse_isa_cap("isa", name)); },
          "the process's ISA cap (docs/isa.md)");
    m.def("isa", [] { return std::string(convlab::isa_cap_name(convlab::isa_cap())); }, "the ISA cap's name");
    add_problem(m);
    add_calls(m);
    add_validate(m);
    add_bench(m);
}
