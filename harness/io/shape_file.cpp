// Shape files as benchdnn reads them: whitespace-separated tokens, a token
// starting with '#' comments out the rest of the line, '--batch=FILE' includes
// a file relative to the including one. Unlike benchdnn, a '#' anywhere outside
// a double-quoted name starts a comment (so "desc# note" works), and a quoted
// name may contain spaces.
//
// Option lines other than --batch are skipped with a note. That includes
// --mb=N: applying it would make a file's meaning depend on where it is
// included from and would silently override the descriptors' own mb; the
// command line's --mb is the one way to change the minibatch.
#include "harness/io/shape_file.hpp"

#include <algorithm>
#include <fstream>
#include <string_view>
#include <system_error>

#include "algorithms/settings.hpp"
#include "harness/io/paths.hpp"

namespace convlab {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// The tokens of one line: split at whitespace outside double quotes, stopping
// at a '#' outside double quotes.
std::vector<std::string> line_tokens(std::string_view line) {
    std::vector<std::string> tokens;
    std::string token;
    bool quoted = false;
    for (char c : line) {
        if (!quoted && c == '#') break;
        if (!quoted && is_space(c)) {
            if (!token.empty()) tokens.push_back(std::move(token));
            token.clear();
            continue;
        }
        if (c == '"') quoted = !quoted;
        token += c;
    }
    if (!token.empty()) tokens.push_back(std::move(token));
    return tokens;
}

class Reader {
public:
    ShapeFile result;

    // `included_from` is "FILE:LINE: " of the --batch line, or empty.
    void read(const std::filesystem::path& path, const std::string& included_from) {
        std::error_code error;
        const auto status = std::filesystem::status(path, error);
        const std::string what = included_from.empty() ? "shape file" : "included shape file";
        if (!std::filesystem::exists(status))
            throw ShapeFileError(included_from + what + " '" + path.string() + "' does not exist");
        // Refuses devices and FIFOs (/dev/zero would never end).
        if (!std::filesystem::is_regular_file(status))
            throw ShapeFileError(included_from + what + " '" + path.string() + "' is not a regular file");
        const auto identity = std::filesystem::weakly_canonical(path, error);
        const auto& key = error ? path : identity;
        if (std::find(stack_.begin(), stack_.end(), key) != stack_.end())
            throw ShapeFileError(included_from + "include cycle: " + chain(path));
        std::ifstream in(path);
        if (!in) throw ShapeFileError(included_from + "cannot open " + what + " '" + path.string() + "'");

        stack_.push_back(key);
        names_.push_back(path.string());
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
            for (const std::string& token : line_tokens(line)) read_token(path, number, token);
        }
        if (in.bad()) throw ShapeFileError("error reading shape file '" + path.string() + "'");
        stack_.pop_back();
        names_.pop_back();
    }

private:
    void read_token(const std::filesystem::path& path, int number, const std::string& token) {
        const std::string where = path.string() + ":" + std::to_string(number) + ": ";
        constexpr std::string_view batch = "--batch=";
        if (token.starts_with(batch)) {
            const std::string target = token.substr(batch.size());
            if (target.empty()) throw ShapeFileError(where + "'--batch=' names no file");
            read(path.parent_path() / target, where);
        } else if (token.starts_with("--")) {
            std::string note = where + "skipped option '" + token + "' (convlab does not apply it";
            if (token.starts_with("--mb=")) note += "; use the command line's --mb";
            result.notes.push_back(note + ")");
        } else {
            result.entries.push_back(parse_entry(path, number, token, where));
        }
    }

    static ShapeEntry parse_entry(const std::filesystem::path& path, int number, const std::string& token,
                                  const std::string& where) {
        ShapeEntry entry;
        entry.descriptor = token;
        entry.file = path;
        entry.line = number;
        try {
            entry.problem = Problem::parse(token);
        } catch (const UnsupportedProblem& unsupported) {
            entry.unsupported = true;
            entry.reason = unsupported.what();
        } catch (const ProblemError& invalid) {
            throw ShapeFileError(where + invalid.what());
        }
        return entry;
    }

    // "a -> b -> a" for the files being read, closed by `again`.
    std::string chain(const std::filesystem::path& again) const {
        std::string text;
        for (const std::string& name : names_) text += name + " -> ";
        return text + again.string();
    }

    std::vector<std::filesystem::path> stack_;  // canonical paths of the files being read
    std::vector<std::string> names_;            // the same, as written, for messages
};

std::vector<std::string> bundled_names() {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& item : std::filesystem::directory_iterator(bundled_shapes_dir(), error)) {
        const std::string name = item.path().filename().string();
        if (item.is_regular_file() && name != "README.md" && !name.starts_with("LICENSE")) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::filesystem::path& shapes_dir_override() {
    static std::filesystem::path dir;
    return dir;
}

}  // namespace

void set_bundled_shapes_dir(const std::filesystem::path& dir) { shapes_dir_override() = dir; }

// Relative to the executable, never to the source tree, so that a moved or
// installed convlab keeps its sets: <exe dir>/share/convlab/shapes in the
// build tree, <exe dir>/../share/convlab/shapes under an install prefix.
std::filesystem::path bundled_shapes_dir() {
    if (!shapes_dir_override().empty()) return shapes_dir_override();
    if (const auto env = environment_setting("CONVLAB_SHAPES_DIR")) {
        require_readable_directory("CONVLAB_SHAPES_DIR", *env);
        return *env;
    }
    std::error_code error;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
    if (error) return {};
    const std::filesystem::path here = exe.parent_path();
    for (const auto& candidate : {here / "share/convlab/shapes", here / "../share/convlab/shapes"})
        if (std::filesystem::is_directory(candidate, error)) return std::filesystem::weakly_canonical(candidate, error);
    return {};
}

ShapeFile read_shape_file(const std::filesystem::path& path) {
    Reader reader;
    reader.read(path, "");
    return std::move(reader.result);
}

std::filesystem::path find_shape_file(const std::string& name_or_path) {
    std::error_code error;
    if (!name_or_path.empty() && std::filesystem::exists(name_or_path, error)) return name_or_path;
    const std::vector<std::string> names = bundled_names();
    if (std::find(names.begin(), names.end(), name_or_path) != names.end())
        return bundled_shapes_dir() / name_or_path;
    std::string list;
    for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
    throw ShapeFileError("no shape file '" + name_or_path + "': not a path, nor a bundled set (" + list + ")");
}

}  // namespace convlab
