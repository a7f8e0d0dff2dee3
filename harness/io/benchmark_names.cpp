#include "harness/io/benchmark_names.hpp"

#include <fmt/format.h>

namespace convlab {

std::string benchmark_name(const ResultRow& row) {
    auto at = [&row](const char* column) { return row.count(column) ? row.at(column) : std::string(); };
    std::string name = fmt::format("{}/{}/{}/threads:{}", at("algorithm"), at("direction"), at("layer"), at("threads"));
    if (!at("layout").empty() && at("layout") != "nchw:oihw") name += "/layout:" + at("layout");
    if (at("cache") == "cold") name += "/cache:cold";
    if (!at("data").empty() && at("data") != "uniform") name += "/data:" + at("data");
    if (at("ftz") == "on") name += "/ftz:on";
    if (!at("isa").empty() && at("isa") != "native") name += "/isa:" + at("isa");
    return name;
}

std::string benchmark_base_name(std::string name) {
    for (const char* suffix : {"/min_time:", "/repeats:", "/real_time"})
        if (size_t at = name.find(suffix); at != std::string::npos) name.erase(at);
    return name;
}

}  // namespace convlab
