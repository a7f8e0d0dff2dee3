// What the files of the _convlab extension share: how Python values become
// problems, directions, thread counts and float32 arrays, and the functions
// each file adds to the module.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/algorithm.hpp"
#include "algorithms/problem.hpp"
#include "harness/verify/data.hpp"

namespace convlab::python {

namespace py = pybind11;

// A Problem, or a descriptor string parsed (ProblemError -> ValueError).
Problem problem_of(py::handle value);
// "fwd" | "bwd_d" | "bwd_w", else ValueError.
Direction direction_of(py::handle value);
// None -> every core; an int >= 1; else ValueError / TypeError.
int threads_of(py::handle value);
// data: None (uniform) or "uniform" | "normal" | "relu" | "denormal[:SHARE]";
// ftz: None or False (off), True (on), "on" | "off"; else ValueError / TypeError.
DataConditions conditions_of(py::handle data, py::handle ftz);

// "(2, 16, 8, 8)".
std::string shape_text(const std::vector<int64_t>& dims);

// The argument `name` as a C-contiguous float32 array of exactly `dims`:
// float64 and non-contiguous arrays are converted; anything that is not a
// floating-point array (integers, objects, strings) is a TypeError, a wrong
// shape a ValueError naming the tensor, its shape and the expected one.
py::array_t<float> float_input(py::handle value, const char* name, const std::vector<int64_t>& dims);
// A new float32 array of `dims`, 64-byte aligned as convlab's own tensors.
py::array_t<float> new_output(const std::vector<int64_t>& dims);

void add_problem(py::module_& m);
void add_calls(py::module_& m);
void add_validate(py::module_& m);
void add_bench(py::module_& m);

}  // namespace convlab::python
