// The tidy results CSV of `convlab bench`: RFC 4180 quoting, one row per
// algorithm x direction x problem x thread count, a fixed set of columns
// followed by any extra ones (phase_<name>_ms) in name order.
//
// The file is rewritten whole and atomically (atomic_file.hpp) after
// every finished row rather than appended to: the extra phase columns are only
// known as rows finish, and a rewrite keeps the file on disk a complete, valid
// CSV at every moment, so an interrupted run loses nothing that finished and
// --resume reads the file as it is.
#pragma once

#include "algorithms/errors.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace convlab {

// A CSV text that cannot be parsed (the message says where).
struct CsvError : InputError {
    using InputError::InputError;
};

// The field as written in a CSV: quoted (with inner quotes doubled) when it
// holds a comma, a quote, a line break, or leading/trailing spaces.
std::string csv_field(std::string_view value);
// The fields joined by commas, ending in "\n".
std::string csv_line(const std::vector<std::string>& fields);

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // each as wide as the header
};
// Parses RFC 4180 text (quoted fields may hold commas, quotes and line breaks;
// "\r\n" and "\n" both end a record). Throws CsvError for an unterminated
// quote, text after a closing quote, or a row whose width differs from the header.
CsvTable parse_csv(std::string_view text);

// One result row: column name -> value ("" when absent).
using ResultRow = std::map<std::string, std::string>;

// The fixed columns, in order.
const std::vector<std::string>& result_columns();
// The columns of `validate --csv` (no timing; the check's worst element and
// seconds), which `merge` keeps for validate's shards.
const std::vector<std::string>& validate_columns();
// `fixed` (the bench's result_columns() by default), then every other column
// any row has, in name order.
std::vector<std::string> result_header(const std::vector<ResultRow>& rows,
                                       const std::vector<std::string>& fixed = result_columns());
// Writes the rows under result_header(rows, fixed), atomically.
void write_results_csv(const std::filesystem::path& path, const std::vector<ResultRow>& rows,
                       const std::vector<std::string>& fixed = result_columns());
// The rows of a results CSV; none when the file does not exist. Throws
// CsvError when it cannot be parsed or lacks a key column.
std::vector<ResultRow> read_results_csv(const std::filesystem::path& path);

// The column's value as a number; 0 when absent, empty or not a number.
double row_number(const ResultRow& row, const std::string& column);

// What identifies a row for --resume: suite, layer, descriptor, algorithm,
// direction, threads, cache, layout, data, ftz, isa (a row without the last
// four ran on their defaults: nchw:oihw, uniform, off, native).
std::string result_key(const ResultRow& row);

}  // namespace convlab
