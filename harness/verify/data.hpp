// What the real-valued inputs of a case look like (--data, data=) and whether
// the case runs with denormals flushed (--ftz, ftz=): conditions of the case,
// recorded in its row, because a timing can depend on them (subnormal values
// take a microcode assist on many CPUs unless flushed) and so can a result.
#pragma once

#include <string>
#include <string_view>

namespace convlab {

enum class Distribution {
    uniform,   // every value uniform in [-1, 1): the default, and the checker's real pass before --data
    normal,    // standard normal N(0, 1): trained weights and batch-normalised activations
    relu,      // x as a ReLU leaves it (max(0, u), half exact zeros); dy as ReLU's backward leaves
               // it (half exact zeros, the rest signed); weights and bias uniform
    denormal,  // uniform, except `denormal_share` of x, w and dy subnormal (|v| < 2^-126), as in
               // trained and pruned weights
};

struct DataSpec {
    Distribution distribution = Distribution::uniform;
    double denormal_share = 0.1;  // used by denormal only; in (0, 0.5]
    bool operator==(const DataSpec&) const = default;
};

// "uniform", "normal", "relu", "denormal" or "denormal:SHARE"; a SettingError
// naming `setting` otherwise. A share above 0.5 is refused: most products
// would then be of two subnormals, which fp32 cannot represent at all.
DataSpec parse_data_spec(std::string_view setting, std::string_view text);
std::string to_string(const DataSpec& data);  // the form parse_data_spec reads; "denormal:0.1"

// The conditions of one case's data: its distribution and the floating-point
// mode it runs in. With flush_denormals the checker's reference sees the
// inputs as the hardware does under DAZ (subnormals as zero), see check.hpp.
struct DataConditions {
    DataSpec data;
    bool flush_denormals = false;
    bool operator==(const DataConditions&) const = default;
};

// "on" / "off" for --ftz and ftz=; a SettingError otherwise.
bool parse_on_off(std::string_view setting, std::string_view text);

}  // namespace convlab
