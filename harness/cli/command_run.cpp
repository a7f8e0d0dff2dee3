// `convlab run`: one algorithm, one problem, one direction on .npy files, so
// any result can be reproduced and compared outside convlab (numpy, PyTorch).
//
//   fwd:   x.npy, w.npy, b.npy (optional: zeros)  ->  y.npy
//   bwd_d: dy.npy, w.npy                          ->  dx.npy
//   bwd_w: x.npy, dy.npy                          ->  dw.npy, db.npy
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "algorithms/algorithm.hpp"
#include "harness/io/atomic_file.hpp"
#include "harness/measure/float_mode.hpp"
#include "harness/verify/check.hpp"
#include "harness/cli/commands.hpp"
#include "harness/verify/memory_guard.hpp"
#include "harness/io/npy.hpp"
#include "harness/io/paths.hpp"
#include "harness/cli/selection_options.hpp"
#include "harness/run/selection.hpp"

namespace convlab {
namespace {

namespace fs = std::filesystem;

struct RunOptions {
    std::string problem, algorithm, direction, in, out;
    int threads = 0;
    bool flush_denormals = false;  // --ftz
    Layout layout;
};

std::string shape_text(const std::vector<int64_t>& dims) {
    return fmt::format("({}{})", fmt::join(dims, ", "), dims.size() == 1 ? "," : "");  // numpy's spelling
}

// Reads DIR/NAME.npy and checks its shape; a missing optional file gives zeros.
Tensor read_input(const fs::path& dir, const std::string& name, const std::vector<int64_t>& dims, bool optional) {
    const fs::path path = dir / (name + ".npy");
    std::error_code error;
    if (!fs::exists(path, error)) {
        if (optional) return Tensor(dims);
        throw UsageError(fmt::format("missing input file {}", path.string()));
    }
    Tensor t = read_npy(path);
    if (t.dims() != dims)
        throw UsageError(fmt::format("{} has shape {} but the problem needs {}", path.string(), shape_text(t.dims()),
                                     shape_text(dims)));
    return t;
}

void write_output(const fs::path& dir, const std::string& name, const Tensor& t) {
    const fs::path path = dir / (name + ".npy");
    try {
        write_npy(path, t);
    } catch (const FileWriteError& e) {
        throw UsageError(e.what());
    }
    std::printf("wrote %s\n", path.string().c_str());
}

void run(const RunOptions& o) {
    require_readable_directory("--in", o.in);
    const Problem p = Problem::parse(o.problem);
    const Algorithm& algorithm = algorithm_named(o.algorithm);
    const Direction d = parse_direction(o.direction);
    ensure_fits_in_memory(p, d, algorithm.name(), 1);
    const FloatModeScope float_mode(o.flush_denormals, o.threads);
    const Prepared prepared = algorithm.prepare_in(p, d, o.threads, o.layout);
    if (!prepared)
        throw UsageError(fmt::format("{} does not run {} {}: {}", algorithm.name(), to_string(d), p.str(),
                                     prepared.decline_reason));
    ensure_fits_in_memory(p, d, algorithm.name(), 1, prepared.primitive->workspace_bytes());

    const fs::path in = o.in, out = o.out;
    // The arrays are in --layout, their shapes that layout's order of the dims.
    const AxisOrder act = axis_order(o.layout.activations), wei = axis_order(o.layout.weights);
    ConvTensors t;
    switch (d) {
        case Direction::fwd:
            t.x = read_input(in, "x", dims_in(p.x_dims(), act), false);
            t.w = read_input(in, "w", dims_in(p.w_dims(), wei), false);
            t.b = read_input(in, "b", p.b_dims(), true);
            t.y = Tensor(dims_in(p.y_dims(), act));
            break;
        case Direction::bwd_d:
            t.dy = read_input(in, "dy", dims_in(p.y_dims(), act), false);
            t.w = read_input(in, "w", dims_in(p.w_dims(), wei), false);
            t.dx = Tensor(dims_in(p.x_dims(), act));
            break;
        case Direction::bwd_w:
            t.x = read_input(in, "x", dims_in(p.x_dims(), act), false);
            t.dy = read_input(in, "dy", dims_in(p.y_dims(), act), false);
            t.dw = Tensor(dims_in(p.w_dims(), wei));
            t.db = Tensor(p.b_dims());
            break;
    }
    // Made once every input is known good (a refused run leaves nothing
    // behind) and before computing, so a bad --out costs no time.
    make_output_directory("--out", out);
    run_primitive(*prepared.primitive, d, t);

    switch (d) {
        case Direction::fwd: write_output(out, "y", t.y); break;
        case Direction::bwd_d: write_output(out, "dx", t.dx); break;
        case Direction::bwd_w:
            write_output(out, "dw", t.dw);
            write_output(out, "db", t.db);
            break;
    }
}

}  // namespace

void add_run_command(CLI::App& app, int& status) {
    CLI::App* command = app.add_subcommand(
        "run", "run one algorithm on .npy inputs: fwd reads x, w, b (optional) and writes y; "
               "bwd_d reads dy, w and writes dx; bwd_w reads x, dy and writes dw, db");
    auto options = std::make_shared<RunOptions>();
    command->add_option("--problem", options->problem, "the problem, e.g. mb2ic3ih8oc4kh3ph1")->required()
        ->type_name("DESC");
    command->add_option("--algo", options->algorithm, "the algorithm (see `convlab list`)")->required()
        ->type_name("NAME");
    command->add_option("--dir", options->direction, "fwd, bwd_d or bwd_w")->required()->type_name("DIR")
        ->check(CLI::IsMember({"fwd", "bwd_d", "bwd_w"}));
    add_ftz_option(*command, options->flush_denormals);
    add_isa_option(*command);
    command->add_option("--in", options->in, "directory of the input .npy files")->required()->type_name("DIR");
    command->add_option("--out", options->out, "directory for the output .npy files (created)")->required()
        ->type_name("DIR");
    add_threads_option(*command, options->threads);
    add_layout_option(*command, options->layout);
    command->callback([options, &status] {
        run(*options);
        status = 0;
    });
}

}  // namespace convlab
