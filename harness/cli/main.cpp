// convlab: list, run, validate and benchmark 2-D convolution algorithms.
//
// Exit status: 0 success (and --help, --version); 1 a verification failed;
// 2 bad usage or bad input, one line on stderr; 3 an internal error.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

#include "algorithms/errors.hpp"
#include "harness/cli/commands.hpp"
#include "harness/run/environment.hpp"

namespace {

constexpr const char* version = "convlab 0.1";

int usage_error(const std::string& message) {
    std::fprintf(stderr, "convlab: error: %s\n", message.c_str());
    return 2;
}

// One line, whatever the message: a multi-line message would break the
// "one line on stderr" promise that scripts rely on.
std::string one_line(std::string message) {
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    for (char& c : message)
        if (c == '\n') c = ' ';
    return message;
}

}  // namespace

int main(int argc, char** argv) {
    // A write past RLIMIT_FSIZE (a full quota) then fails with EFBIG, which
    // the atomic writers report as an error naming the file, instead of the
    // signal killing the process halfway.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{
        "convlab: a research harness for 2-D convolution algorithms (fwd, bwd_d, bwd_w).\n"
        "Checks each algorithm against a double-precision reference and times it beside oneDNN.\n"
        "Problems use oneDNN benchdnn's descriptor syntax, e.g. mb2ic64ih56oc64kh3ph1.",
        "convlab"};
    app.set_version_flag("--version", version);
    app.require_subcommand(1);
    // The environment is checked once the command line is parsed (so --help
    // still works) and before any command runs.
    app.parse_complete_callback(convlab::check_environment_settings);

    int status = 0;
    convlab::add_list_command(app, status);
    convlab::add_run_command(app, status);
    convlab::add_validate_command(app, status);
    convlab::add_bench_command(app, status);
    convlab::add_peak_command(app, status);
    convlab::add_compare_command(app, status);
    convlab::add_merge_command(app, status);
    convlab::add_pick_command(app, status);

    try {
        // CLI11 would say "A subcommand is required" for a misspelt one.
        if (argc > 1 && argv[1][0] != '-' &&
            app.get_subcommands([&](CLI::App* command) { return command->check_name(argv[1]); }).empty())
            return usage_error("unknown subcommand '" + std::string(argv[1]) + "' (expected list, run, validate, bench, peak, compare, merge or pick)");
        app.parse(argc, argv);
        return status;
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --help-all, --version
        return usage_error(one_line(e.what()));
    } catch (const convlab::InputError& e) {  // every error a user can cause (algorithms/errors.hpp)
        return usage_error(one_line(e.what()));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "convlab: internal error: %s\n", one_line(e.what()).c_str());
        return 3;
    }
}
