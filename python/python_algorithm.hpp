// A Python callable as a convlab Algorithm, so that the checker and the
// benchmark treat it exactly as they treat a registered one (check(),
// run_case(), BenchSession): its Primitive's run() takes the GIL and calls
//   fwd:   fn(x, w, b) -> y
//   bwd_d: fn(dy, w) -> dx
//   bwd_w: fn(x, dy) -> (dw, db)
// on read-only numpy views of the call's tensors, then copies what it returns
// into the outputs. A callable that raises, returns something that is not a
// floating-point array, or an array of the wrong shape throws (a FAILED
// verdict or row, with the Python error's text).
#pragma once

#include <string>

#include "module.hpp"

namespace convlab::python {

class PythonAlgorithm final : public Algorithm {
public:
    // `layout`: the one layout the callable takes and returns its arrays in.
    PythonAlgorithm(std::string label, py::object fn, Contract contract, Layout layout = {})
        : label_(std::move(label)), fn_(std::move(fn)), contract_(contract), layout_(layout) {}
    ~PythonAlgorithm() override;  // drops the callable with the GIL held

    std::string_view name() const override { return label_; }
    std::string_view family() const override { return "python"; }
    std::string_view description() const override { return "a Python callable"; }
    Contract contract() const override { return contract_; }
    Prepared prepare(const Problem& p, Direction d, int threads) const override;
    std::vector<Layout> layouts() const override { return {layout_}; }

protected:
    Prepared prepare_layout(const Problem& p, Direction d, int threads, Layout layout) const override;

private:
    std::string label_;
    py::object fn_;
    Contract contract_;
    Layout layout_;
};

// A callable's default contract. Not exact: nothing tells convlab how a
// callable sums (a numpy FFT or Winograd, float16, TF32 on a GPU), so the
// integer pass is held to the tolerance like the real one; 1e-5, the default
// of the registered algorithms, which fp32 sums in any order meet; per-element
// scale (not mixing neighbours), the strict one.
Contract callable_contract(py::handle tolerance, py::handle exact, py::handle mixes_neighbours);

}  // namespace convlab::python
