#include "algorithms/algorithm.hpp"

#include <string>

#include "algorithms/threading.hpp"

namespace convlab {

std::string_view to_string(Direction d) {
    switch (d) {
        case Direction::fwd: return "fwd";
        case Direction::bwd_d: return "bwd_d";
        case Direction::bwd_w: return "bwd_w";
    }
    return "?";
}

Direction parse_direction(std::string_view text) {
    for (Direction d : all_directions)
        if (text == to_string(d)) return d;
    throw ProblemError("unknown direction '" + std::string(text) + "' (expected fwd, bwd_d or bwd_w)");
}

void Primitive::execute(const ConvArgs& args) const {
    set_threads(threads_);
    run(args);
}

void Primitive::execute_staged(const ConvArgs& args) const {
    stage_in(args);
    execute(args);
    stage_out(args);
}

Prepared declined(std::string_view name, std::string_view why) {
    return {nullptr, std::string(name) + ": " + std::string(why)};
}

}  // namespace convlab
