// convlab.validate(target, p, direction): the checker of `convlab validate`
// (check(): both fills, NaN poisoning, every element against the double
// reference) on a registered algorithm or a Python callable.
#include <fmt/format.h>

#include "harness/measure/float_mode.hpp"
#include "harness/run/environment.hpp"
#include "harness/run/selection.hpp"
#include "harness/verify/check.hpp"
#include "harness/verify/memory_guard.hpp"
#include "python_algorithm.hpp"

namespace convlab::python {
namespace {

// An algorithm whose contract is another's with the tolerance changed.
class WithTolerance final : public Algorithm {
public:
    WithTolerance(const Algorithm& base, double tolerance) : base_(base), tolerance_(tolerance) {}
    std::string_view name() const override { return base_.name(); }
    std::string_view family() const override { return base_.family(); }
    std::string_view description() const override { return base_.description(); }
    Contract contract() const override {
        Contract c = base_.contract();
        c.tolerance = tolerance_;
        return c;
    }
    Properties properties() const override { return base_.properties(); }
    Prepared prepare(const Problem& p, Direction d, int threads) const override {
        return base_.prepare(p, d, threads);
    }
    std::vector<Layout> layouts() const override { return base_.layouts(); }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override {
        return base_.prepare_in(p, d, threads, layout);
    }

private:
    const Algorithm& base_;
    double tolerance_;
};

py::dict verdict_dict(const Verdict& v, const Algorithm& algorithm, const Problem& p, Direction d, Layout layout,
                      const DataConditions& conditions) {
    py::dict out;
    out["verdict"] = std::string(to_string(v.status));
    out["max_abs_err"] = v.max_abs_err;
    out["max_rel_err"] = v.max_rel_err;
    out["max_rel_err_real"] = v.max_rel_err_real;
    out["worst"] = v.worst;
    out["exact"] = algorithm.contract().exact_on_integers;
    out["tolerance"] = algorithm.contract().tolerance;
    out["reason"] = v.reason;
    out["algorithm"] = std::string(algorithm.name());
    out["problem"] = p.str();
    out["direction"] = std::string(to_string(d));
    out["layout"] = to_string(layout);
    out["data"] = to_string(conditions.data);
    out["ftz"] = conditions.flush_denormals;
    return out;
}

py::dict validate(py::handle target, py::handle problem, py::handle direction, py::handle seed,
                  py::handle tolerance, py::handle threads, py::handle exact, py::handle mixes_neighbours,
                  const std::string& label, const std::string& layout_text, py::handle data, py::handle ftz) {
    check_environment_settings();  // a bad CONVLAB_ISA is a ValueError, not a FAILED verdict
    const Problem p = problem_of(problem);
    const Direction d = direction_of(direction);
    const int n = threads_of(threads);
    const uint64_t s = seed.is_none() ? 1 : seed.cast<uint64_t>();
    const Layout layout = parse_layout("layout", layout_text);
    const DataConditions conditions = conditions_of(data, ftz);
    std::unique_ptr<Algorithm> owned;
    const Algorithm* algorithm = nullptr;
    if (py::isinstance<py::str>(target)) {
        if (!exact.is_none() || !mixes_neighbours.is_none())
            throw py::value_error("exact and mixes_neighbours are for callables; a registered algorithm has its own");
        algorithm = &algorithm_named(target.cast<std::string>());
        if (!tolerance.is_none()) {
            const double t = tolerance.cast<double>();
            if (!(t >= 0)) throw py::value_error("tolerance must be a number >= 0");
            owned = std::make_unique<WithTolerance>(*algorithm, t);
            algorithm = owned.get();
        }
    } else if (PyCallable_Check(target.ptr())) {
        owned = std::make_unique<PythonAlgorithm>(label, py::reinterpret_borrow<py::object>(target),
                                                  callable_contract(tolerance, exact, mixes_neighbours), layout);
        algorithm = owned.get();
    } else {
        throw py::type_error("target is an algorithm name or a callable");
    }
    Verdict v;
    {
        py::gil_scoped_release unlocked;  // a callable takes it back in its primitive's run()
        ensure_fits_in_memory(p, d, algorithm->name(), checker_copies);
        try {
            const FloatModeScope float_mode(conditions.flush_denormals, n);
            v = check(*algorithm, p, d, s, n, layout, conditions);
        } catch (const std::exception& e) {  // as `convlab validate`: an algorithm that throws fails
            v = Verdict{};
            v.status = Status::failed;
            v.reason = fmt::format("threw: {}", e.what());
        }
    }
    return verdict_dict(v, *algorithm, p, d, layout, conditions);
}

}  // namespace

void add_validate(py::module_& m) {
    m.def("validate", &validate, py::arg("target"), py::arg("p"), py::arg("direction"), py::arg("seed") = py::none(),
          py::arg("tolerance") = py::none(), py::arg("threads") = py::none(), py::arg("exact") = py::none(),
          py::arg("mixes_neighbours") = py::none(), py::arg("label") = "callable", py::arg("layout") = "nchw:oihw",
          py::arg("data") = py::none(), py::arg("ftz") = py::none(),
          "checks an algorithm or callable against the double reference, its arrays in `layout` "
          "(nchw, nhwc, or a pair such as nhwc:hwio); the verdict as a dict");
}

}  // namespace convlab::python
