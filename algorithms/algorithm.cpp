#include "algorithms/algorithm.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

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

Prepared Algorithm::prepare_in(const Problem& p, Direction d, int threads, Layout layout) const {
    const std::vector<Layout> native = layouts();
    if (std::find(native.begin(), native.end(), layout) == native.end()) {
        std::vector<std::string> names;
        for (const Layout& l : native) names.push_back(to_string(l));
        return declined(name(), fmt::format("runs in {} only, not {}", fmt::join(names, ", "), to_string(layout)));
    }
    return layout == Layout{} ? prepare(p, d, threads) : prepare_layout(p, d, threads, layout);
}

Prepared Algorithm::prepare_layout(const Problem&, Direction, int, Layout layout) const {
    return declined(name(), fmt::format("lists {} but does not prepare it", to_string(layout)));
}

}  // namespace convlab
