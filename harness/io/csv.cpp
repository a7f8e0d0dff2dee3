#include "harness/io/csv.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "harness/io/atomic_file.hpp"

namespace convlab {

std::string csv_field(std::string_view value) {
    const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string_view::npos ||
                              (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!needs_quotes) return std::string(value);
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string csv_line(const std::vector<std::string>& fields) {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) line += ',';
        line += csv_field(fields[i]);
    }
    return line + '\n';
}

namespace {

// Splits text into records of raw fields, honouring quotes.
std::vector<std::vector<std::string>> parse_records(std::string_view text) {
    std::vector<std::vector<std::string>> records;
    std::vector<std::string> record;
    std::string field;
    size_t i = 0, line = 1;
    bool pending = false;  // the current record has begun (a blank line has not)
    auto end_field = [&] { record.push_back(std::move(field)); field.clear(); };
    auto end_record = [&] {
        end_field();
        if (pending) records.push_back(std::move(record));
        record.clear();
        pending = false;
        ++line;
    };
    while (i < text.size()) {
        char c = text[i];
        if (c != '\n' && c != '\r') pending = true;
        if (c == '"' && field.empty()) {
            const size_t opened_on = line;
            for (++i;; ++i) {
                if (i >= text.size())
                    throw CsvError("unterminated quoted field opened on line " + std::to_string(opened_on));
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') { field += '"'; ++i; continue; }
                    ++i;
                    break;
                }
                if (text[i] == '\n') ++line;
                field += text[i];
            }
            if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                throw CsvError("text after a closing quote on line " + std::to_string(line));
            continue;
        }
        if (c == ',') { end_field(); ++i; continue; }
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        if (c == '\n' || c == '\r') { end_record(); ++i; continue; }
        field += c;
        ++i;
    }
    if (pending) end_record();
    return records;
}

}  // namespace

CsvTable parse_csv(std::string_view text) {
    auto records = parse_records(text);
    CsvTable table;
    if (records.empty()) return table;
    table.header = std::move(records.front());
    for (size_t r = 1; r < records.size(); ++r) {
        if (records[r].size() != table.header.size())
            throw CsvError("record " + std::to_string(r + 1) + " has " + std::to_string(records[r].size()) +
                           " fields, the header has " + std::to_string(table.header.size()));
        table.rows.push_back(std::move(records[r]));
    }
    return table;
}

const std::vector<std::string>& result_columns() {
    static const std::vector<std::string> columns = {
        "suite",          "layer",          "descriptor",     "layer_class",    "weight",
        "algorithm",      "direction",      "threads",        "mb",             "gflop",
        "gflop_useful",   "time_ms_median", "time_ms_min",    "time_ms_mean",   "time_ms_stddev",
        "gflops_median",  "gflops_max",     "repetitions",    "iterations",     "workspace_bytes",
        "max_abs_err",    "max_rel_err",    "check_mb",       "status",         "reason",
        "implementation", "family",         "cache",          "peak_fraction",  "arith_intensity",
        "bound",          "spread",         "cv",             "noisy",          "suspect",
        "sentinel_ratio", "disturbed",      "retimed",        "layout",         "data",
        "ftz",            "isa",            "prepare_ms",     "staging_ms"};
    return columns;
}

const std::vector<std::string>& validate_columns() {
    static const std::vector<std::string> columns = {
        "suite",     "layer",       "descriptor", "layer_class", "algorithm", "direction",
        "threads",   "status",      "max_abs_err", "max_rel_err", "max_rel_err_real", "worst",
        "reason",    "seconds",     "layout",      "data",        "ftz",         "isa"};
    return columns;
}

std::vector<std::string> result_header(const std::vector<ResultRow>& rows, const std::vector<std::string>& fixed_columns) {
    std::vector<std::string> header = fixed_columns;
    const std::set<std::string> fixed(header.begin(), header.end());
    std::set<std::string> extra;
    for (const auto& row : rows)
        for (const auto& [column, value] : row)
            if (!fixed.count(column)) extra.insert(column);
    header.insert(header.end(), extra.begin(), extra.end());
    return header;
}

void write_results_csv(const std::filesystem::path& path, const std::vector<ResultRow>& rows,
                       const std::vector<std::string>& fixed_columns) {
    const auto header = result_header(rows, fixed_columns);
    write_file_atomically(path, [&](std::ostream& out) {
        out << csv_line(header);
        std::vector<std::string> fields(header.size());
        for (const auto& row : rows) {
            for (size_t c = 0; c < header.size(); ++c) {
                auto found = row.find(header[c]);
                fields[c] = found == row.end() ? "" : found->second;
            }
            out << csv_line(fields);
        }
    });
}

std::vector<ResultRow> read_results_csv(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    CsvTable table;
    try {
        table = parse_csv(text);
    } catch (const CsvError& e) {
        throw CsvError(path.string() + ": " + e.what());
    }
    for (const char* key : {"suite", "layer", "descriptor", "algorithm", "direction", "threads"})
        if (std::find(table.header.begin(), table.header.end(), key) == table.header.end())
            throw CsvError(path.string() + ": no column '" + key + "' (not a convlab bench CSV?)");
    std::vector<ResultRow> rows;
    for (const auto& fields : table.rows) {
        ResultRow row;
        for (size_t c = 0; c < fields.size(); ++c) row[table.header[c]] = fields[c];
        rows.push_back(std::move(row));
    }
    return rows;
}

double row_number(const ResultRow& row, const std::string& column) {
    auto it = row.find(column);
    if (it == row.end() || it->second.empty()) return 0;
    try {
        return std::stod(it->second);
    } catch (const std::exception&) {
        return 0;
    }
}

std::string result_key(const ResultRow& row) {
    std::vector<std::string> parts;
    for (const char* column : {"suite", "layer", "descriptor", "algorithm", "direction", "threads", "cache"}) {
        auto found = row.find(column);
        parts.push_back(found == row.end() ? "" : found->second);
    }
    // A row from before the layout, data, ftz and isa columns ran on the defaults.
    for (auto [column, before] : {std::pair{"layout", "nchw:oihw"}, std::pair{"data", "uniform"},
                                  std::pair{"ftz", "off"}, std::pair{"isa", "native"}}) {
        auto found = row.find(column);
        parts.push_back(found == row.end() || found->second.empty() ? before : found->second);
    }
    std::string key = csv_line(parts);  // quoting keeps the parts apart
    key.pop_back();
    return key;
}

}  // namespace convlab
