#include "algorithms/algorithm.hpp"

#include <stdexcept>
#include <string>

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
    throw std::invalid_argument("unknown direction '" + std::string(text) + "' (expected fwd, bwd_d or bwd_w)");
}

namespace {
class RunPrimitive final : public Primitive {
public:
    RunPrimitive(const Algorithm& algorithm, const Problem& p, Direction d) : algorithm_(algorithm), p_(p), d_(d) {}
    void execute(const ConvArgs& args) const override { algorithm_.run(p_, d_, args); }

private:
    const Algorithm& algorithm_;
    Problem p_;
    Direction d_;
};
}  // namespace

std::unique_ptr<Primitive> Algorithm::prepare(const Problem& p, Direction d) const {
    return std::make_unique<RunPrimitive>(*this, p, d);
}

}  // namespace convlab
