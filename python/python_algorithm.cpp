#include "python_algorithm.hpp"

#include <cstring>

#include <fmt/format.h>

namespace convlab::python {
namespace {

// A read-only view of the floats at `data`; `keeper` keeps nothing alive (the
// tensors outlive the call) but, as a base object, makes numpy not copy.
py::array view(const float* data, const std::vector<int64_t>& dims, py::handle keeper) {
    std::vector<py::ssize_t> shape(dims.begin(), dims.end());
    py::array_t<float> a(shape, data, keeper);
    py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return a;
}

// The Python error's "Type: message", without the traceback pybind11 appends.
std::string error_text(const py::error_already_set& e) {
    std::string text = e.what();
    if (auto at = text.find("\n\nAt:"); at != std::string::npos) text.resize(at);
    return text;
}

void copy_result(py::handle result, const char* name, const std::vector<int64_t>& dims, float* out,
                 const std::string& label) {
    py::array array;
    try {
        array = py::module_::import("numpy").attr("asarray")(result);
    } catch (const py::error_already_set& e) {
        throw std::runtime_error(fmt::format("{} returned {} that is not an array ({})", label, name, error_text(e)));
    }
    if (array.dtype().kind() != 'f')
        throw std::runtime_error(fmt::format("{} returned {} of dtype {}, expected a floating-point array", label,
                                             name, py::str(array.dtype()).cast<std::string>()));
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    if (shape != dims)
        throw std::runtime_error(fmt::format("{} returned {} of shape {}, expected {}", label, name,
                                             shape_text(shape), shape_text(dims)));
    auto f32 = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array);
    std::memcpy(out, f32.data(), size_t(f32.size()) * sizeof(float));
}

class PythonPrimitive final : public Primitive {
public:
    PythonPrimitive(int threads, const py::object& fn, const Problem& p, Direction d, std::string label, Layout layout)
        : Primitive(threads), fn_(fn), p_(p), d_(d), label_(std::move(label)),
          x_dims_(dims_in(p.x_dims(), axis_order(layout.activations))),
          y_dims_(dims_in(p.y_dims(), axis_order(layout.activations))),
          w_dims_(dims_in(p.w_dims(), axis_order(layout.weights))) {}
    std::string implementation() const override { return "python"; }

protected:
    void run(const ConvArgs& args) const override {
        py::gil_scoped_acquire gil;
        try {
            call(args);
        } catch (const py::error_already_set& e) {
            throw std::runtime_error(fmt::format("{} raised {}", label_, error_text(e)));
        }
    }

private:
    void call(const ConvArgs& args) const {
        py::capsule keeper(static_cast<const void*>(this), [](void*) {});
        switch (d_) {
            case Direction::fwd: {
                py::array x = view(args.x, x_dims_, keeper), w = view(args.w, w_dims_, keeper);
                py::object b = args.b ? py::object(view(args.b, p_.b_dims(), keeper)) : py::object(py::none());
                copy_result(fn_(x, w, b), "y", y_dims_, args.y, label_);
                not_kept({x, w});
                break;
            }
            case Direction::bwd_d: {
                py::array dy = view(args.dy, y_dims_, keeper), w = view(args.w, w_dims_, keeper);
                copy_result(fn_(dy, w), "dx", x_dims_, args.dx, label_);
                not_kept({dy, w});
                break;
            }
            case Direction::bwd_w: {
                py::array x = view(args.x, x_dims_, keeper), dy = view(args.dy, y_dims_, keeper);
                py::object result = fn_(x, dy);
                if (!py::isinstance<py::tuple>(result) && !py::isinstance<py::list>(result))
                    throw std::runtime_error(fmt::format("{} returned {}, expected a pair (dw, db)", label_,
                                                         py::str(py::type::of(result).attr("__name__")).cast<std::string>()));
                py::sequence pair = result;
                if (pair.size() != 2)
                    throw std::runtime_error(fmt::format("{} returned {} values, expected a pair (dw, db)", label_,
                                                         pair.size()));
                copy_result(pair[0], "dw", w_dims_, args.dw, label_);
                if (args.db) copy_result(pair[1], "db", p_.b_dims(), args.db, label_);
                result = py::none();
                pair = py::sequence();
                not_kept({x, dy});
                break;
            }
        }
    }

    // The views point into convlab's tensors, which outlive the call but not
    // the run: a callable that keeps one would later read freed memory.
    void not_kept(std::initializer_list<py::handle> views) const {
        for (py::handle v : views)
            if (Py_REFCNT(v.ptr()) > 1)
                throw std::runtime_error(fmt::format(
                    "{} kept a reference to one of its input arrays, which are only valid during the call "
                    "(copy it: np.array(x))", label_));
    }

    const py::object& fn_;
    Problem p_;
    Direction d_;
    std::string label_;
    std::vector<int64_t> x_dims_, y_dims_, w_dims_;  // in the case's layout: the callable's shapes
};

}  // namespace

PythonAlgorithm::~PythonAlgorithm() {
    py::gil_scoped_acquire gil;
    fn_ = py::object();
}

Prepared PythonAlgorithm::prepare(const Problem& p, Direction d, int threads) const {
    return prepared<PythonPrimitive>(threads, fn_, p, d, label_, Layout{});
}

Prepared PythonAlgorithm::prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const {
    return prepared<PythonPrimitive>(threads, fn_, p, d, label_, layout);
}

Contract callable_contract(py::handle tolerance, py::handle exact, py::handle mixes_neighbours) {
    Contract c;
    c.exact_on_integers = exact.is_none() ? false : exact.cast<bool>();
    if (!tolerance.is_none()) {
        c.tolerance = tolerance.cast<double>();
        if (!(c.tolerance >= 0)) throw py::value_error("tolerance must be a number >= 0");
    }
    c.mixes_neighbours = mixes_neighbours.is_none() ? false : mixes_neighbours.cast<bool>();
    return c;
}

}  // namespace convlab::python
