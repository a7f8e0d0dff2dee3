#include "harness/verify/data.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "algorithms/settings.hpp"

namespace convlab {
namespace {

constexpr std::string_view distributions = "uniform, normal, relu, denormal or denormal:SHARE with SHARE in (0, 0.5]";

}  // namespace

DataSpec parse_data_spec(std::string_view setting, std::string_view text) {
    DataSpec spec;
    const size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    if (name == "uniform") spec.distribution = Distribution::uniform;
    else if (name == "normal") spec.distribution = Distribution::normal;
    else if (name == "relu") spec.distribution = Distribution::relu;
    else if (name == "denormal") spec.distribution = Distribution::denormal;
    else throw SettingError(setting, text, distributions);
    if (colon == std::string_view::npos) return spec;
    if (spec.distribution != Distribution::denormal) throw SettingError(setting, text, distributions);
    const std::string_view share = text.substr(colon + 1);
    double value = 0;
    const auto [end, error] = std::from_chars(share.data(), share.data() + share.size(), value);
    if (error != std::errc() || end != share.data() + share.size() || !(value > 0 && value <= 0.5))
        throw SettingError(setting, text, distributions);
    spec.denormal_share = value;
    return spec;
}

std::string to_string(const DataSpec& data) {
    switch (data.distribution) {
        case Distribution::uniform: return "uniform";
        case Distribution::normal: return "normal";
        case Distribution::relu: return "relu";
        case Distribution::denormal: return fmt::format("denormal:{:g}", data.denormal_share);
    }
    return "?";
}

bool parse_on_off(std::string_view setting, std::string_view text) {
    return one_of(setting, text, {"off", "on"}) == 1;
}

}  // namespace convlab
