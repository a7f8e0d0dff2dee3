// convlab.bench: the rows of `convlab bench`, made by the same run_case()
// (check, then Google Benchmark timing through BenchSession) for registered
// algorithms and, wrapped as PythonAlgorithm, for Python callables.
#include <benchmark/benchmark.h>
#include <pybind11/stl.h>

#include <iostream>
#include <streambuf>

#include "harness/run/bench_case.hpp"
#include "harness/run/environment.hpp"
#include "harness/run/selection.hpp"
#include "python_algorithm.hpp"

namespace convlab::python {
namespace {

// Google Benchmark reads its flags once per process; the module sets none
// (repetitions and minimum time are set per benchmark by BenchSession).
void initialize_google_benchmark() {
    static bool initialized = false;
    if (initialized) return;
    static char name[] = "convlab-python";
    char* argv[] = {name, nullptr};
    int argc = 1;
    benchmark::Initialize(&argc, argv);
    initialized = true;
}

// Google Benchmark's display reporter writes its console table to std::cout
// and the machine context to std::cerr; from Python they are noise next to
// the rows returned, so they go nowhere unless asked for (verbose=True).
class Silenced {
public:
    explicit Silenced(bool active) : active_(active) {
        if (!active_) return;
        out_ = std::cout.rdbuf(&null_);
        err_ = std::cerr.rdbuf(&null_);
    }
    ~Silenced() {
        if (!active_) return;
        std::cout.rdbuf(out_);
        std::cerr.rdbuf(err_);
    }

private:
    struct NullBuffer : std::streambuf {
        int overflow(int c) override { return traits_type::not_eof(c); }
    } null_;
    bool active_;
    std::streambuf *out_ = nullptr, *err_ = nullptr;
};

struct Target {
    const Algorithm* algorithm;
    std::unique_ptr<Algorithm> owned;  // a callable's
};

py::list bench(const py::list& problems, const py::list& algos, const std::vector<std::string>& directions,
               const std::vector<int>& threads, int repetitions, double min_time, int64_t check_mb,
               double budget_gflop, double max_gflop, py::handle tolerance, const std::string& suite, bool verbose,
               const std::string& layout, py::handle data, py::handle ftz) {
    check_environment_settings();
    if (repetitions < 1) throw py::value_error("repetitions must be at least 1");
    if (!(min_time > 0)) throw py::value_error("min_time must be positive (seconds)");
    for (int t : threads) threads_of(py::int_(t));
    check_thread_list(threads, /*allow_oversubscribe=*/false);
    std::vector<SelectedProblem> selected;
    for (py::handle item : problems) {
        SelectedProblem s;
        s.suite = suite;
        s.entry.problem = problem_of(item);
        s.entry.descriptor = s.entry.problem.str();
        selected.push_back(std::move(s));
    }
    std::vector<Target> targets;
    for (py::handle item : algos) {
        const auto pair = item.cast<py::tuple>();  // (label, name or callable), made by the Python layer
        const std::string label = pair[0].cast<std::string>();
        if (py::isinstance<py::str>(pair[1])) {
            targets.push_back({&algorithm_named(pair[1].cast<std::string>()), nullptr});
        } else {
            auto owned = std::make_unique<PythonAlgorithm>(label, py::reinterpret_borrow<py::object>(pair[1]),
                                                           callable_contract(tolerance, py::none(), py::none()),
                                                           parse_layout("layout", layout));
            targets.push_back({owned.get(), std::move(owned)});
        }
    }
    std::vector<Direction> dirs;
    for (const auto& d : directions) dirs.push_back(parse_direction(d));

    CaseSettings settings;
    settings.timing.repetitions = repetitions;
    settings.timing.min_time_s = min_time;
    settings.check_mb = check_mb;
    settings.budget_gflop = budget_gflop;
    settings.max_gflop = max_gflop;
    settings.layout = parse_layout("layout", layout);
    settings.conditions = conditions_of(data, ftz);
    initialize_google_benchmark();

    std::vector<ResultRow> rows;
    {
        BenchSession session(verbose);
        // The order of `convlab bench`: problem, direction, algorithm, threads.
        for (const auto& s : selected)
            for (Direction d : dirs)
                for (const auto& target : targets)
                    for (int t : threads) {
                        std::optional<ResultRow> row;
                        {
                            py::gil_scoped_release unlocked;
                            Silenced quiet(!verbose);
                            row = run_case(*target.algorithm, s, d, t, settings, session);
                        }
                        if (row) rows.push_back(std::move(*row));
                        if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // Ctrl-C between cases
                    }
    }
    py::list out;
    const std::vector<std::string> header = result_header(rows);
    for (const auto& row : rows) {
        py::dict d;
        for (const auto& column : header) {
            auto found = row.find(column);
            d[py::str(column)] = found == row.end() ? std::string() : found->second;
        }
        out.append(d);
    }
    return out;
}

}  // namespace

void add_bench(py::module_& m) {
    m.def("bench", &bench, py::arg("problems"), py::arg("algos"), py::arg("directions"), py::arg("threads"),
          py::arg("repetitions"), py::arg("min_time"), py::arg("check_mb"), py::arg("budget_gflop"),
          py::arg("max_gflop"), py::arg("tolerance"), py::arg("suite"), py::arg("verbose"), py::arg("layout"),
          py::arg("data"), py::arg("ftz"),
          "rows of `convlab bench` as dicts of strings; see convlab.bench");
}

}  // namespace convlab::python
