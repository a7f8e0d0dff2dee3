#include "harness/analysis/raw_results_reader.hpp"

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "algorithms/errors.hpp"
#include "harness/io/benchmark_names.hpp"

namespace convlab {
namespace {

// Milliseconds per unit of Google Benchmark's time_unit.
double ms_per(const std::string& unit, const std::filesystem::path& path) {
    if (unit == "ns") return 1e-6;
    if (unit == "us") return 1e-3;
    if (unit == "ms") return 1.0;
    if (unit == "s") return 1e3;
    throw InputError(fmt::format("{}: a repetition has time_unit \"{}\" (not ns, us, ms or s)", path.string(), unit));
}

// Pools a session's repetitions; a benchmark already read from an earlier
// session starts over.
class Collector {
public:
    explicit Collector(RawResults& results, const std::filesystem::path& path) : results_(results), path_(path) {}

    void new_session() { this_session_.clear(); }

    void record(const nlohmann::json& b) {
        if (!b.is_object() || b.value("run_type", "") != "iteration" || !b.contains("real_time")) return;
        const std::string name = benchmark_base_name(b.value("run_name", b.value("name", "")));
        auto& times = results_.repetition_ms[name];
        if (this_session_.insert(name).second) times.clear();
        times.push_back(b["real_time"].get<double>() * ms_per(b.value("time_unit", ""), path_));
    }

private:
    RawResults& results_;
    const std::filesystem::path& path_;
    std::set<std::string> this_session_;
};

}  // namespace

RawResults read_raw_results(const std::filesystem::path& path) {
    RawResults results;
    std::ifstream in(path, std::ios::binary);
    if (!in) return results;
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    Collector collect(results, path);

    // An older convlab wrote one document, begun by a line holding only "{".
    if (text.starts_with("{\n")) {
        const nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
        if (!document.is_discarded() && document.contains("benchmarks") && document["benchmarks"].is_array()) {
            results.single_document = true;
            for (const auto& b : document["benchmarks"]) collect.record(b);
            return results;
        }
    }
    size_t line_number = 0;
    for (size_t start = 0; start < text.size();) {
        ++line_number;
        const size_t end = text.find('\n', start);
        const bool last = end == std::string::npos;
        const std::string_view line(text.data() + start, (last ? text.size() : end) - start);
        const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
        if (object.is_discarded() || !object.is_object()) {
            if (!last)  // the writer ends every line with a newline: only the last can be cut short
                throw InputError(fmt::format("{}: line {} is not a JSON object (not convlab's raw results?)",
                                             path.string(), line_number));
            results.torn_line_at = start;
            std::fprintf(stderr, "convlab: %s: skipping line %zu, cut short (a run killed while writing it)\n",
                         path.string().c_str(), line_number);
            break;
        }
        if (object.contains("context"))
            collect.new_session();
        else
            collect.record(object);
        start = last ? text.size() : end + 1;
    }
    return results;
}

}  // namespace convlab
