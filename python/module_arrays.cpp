// numpy arrays in and out of convlab: inputs checked and converted to
// C-contiguous float32 before any C++ runs, outputs new aligned float32 arrays.
#include <fmt/format.h>

#include "algorithms/tensor.hpp"
#include "module.hpp"

namespace convlab::python {

py::array_t<float> float_input(py::handle value, const char* name, const std::vector<int64_t>& dims) {
    py::array array = py::module_::import("numpy").attr("asarray")(value);
    const char kind = array.dtype().kind();
    if (kind != 'f')
        throw py::type_error(fmt::format("{} must be a floating-point array, not dtype {}", name,
                                         py::str(array.dtype()).cast<std::string>()));
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    if (shape != dims)
        throw py::value_error(
            fmt::format("{} has shape {}, expected {}", name, shape_text(shape), shape_text(dims)));
    // Converts float64 (and float16) and copies a non-contiguous view; a
    // C-contiguous float32 array is passed through uncopied.
    return py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array);
}

py::array_t<float> new_output(const std::vector<int64_t>& dims) {
    auto storage = aligned_floats(element_count(dims));
    float* data = storage.release();
    py::capsule owner(data, [](void* p) { AlignedFree{}(p); });
    std::vector<py::ssize_t> shape(dims.begin(), dims.end());
    return py::array_t<float>(shape, data, owner);
}

}  // namespace convlab::python
