// The .npy format (numpy/lib/format.py, NEP 1): the magic "\x93NUMPY", a major
// and minor version byte, the header length (uint16 little-endian in 1.0,
// uint32 in 2.0 and 3.0), then the header, a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded with
// spaces and a newline, then the raw data in C order.
#include "harness/io/npy.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/io/atomic_file.hpp"

namespace convlab {
namespace {

// Data is read and written as raw little-endian bytes.
static_assert(std::endian::native == std::endian::little, "the .npy code assumes a little-endian host");

constexpr std::string_view magic = "\x93NUMPY";
constexpr int64_t max_header_bytes = int64_t(1) << 20;  // numpy's own limit is 10000 by default

// What is wrong with the file; read_npy prefixes the file name.
struct Malformed {
    std::string what;
};

struct Header {
    std::string descr;
    bool fortran_order = false;
    std::vector<int64_t> shape;
};

// A recursive-descent parser for the subset of Python literals a .npy header
// uses: a dict of string keys to strings, True/False and tuples of integers.
class HeaderParser {
public:
    explicit HeaderParser(std::string_view text) : text_(text) {}

    Header parse() {
        std::optional<std::string> descr;
        std::optional<bool> fortran_order;
        std::optional<std::vector<int64_t>> shape;
        expect('{');
        while (!peek_is('}')) {
            std::string key = string_literal();
            expect(':');
            if (key == "descr") {
                set_once(descr, key, descr_value());
            } else if (key == "fortran_order") {
                set_once(fortran_order, key, bool_literal());
            } else if (key == "shape") {
                set_once(shape, key, shape_tuple());
            } else {
                fail("unexpected key '" + key + "'");
            }
            if (!peek_is('}')) expect(',');
        }
        expect('}');
        skip_space();
        if (pos_ != text_.size()) fail("text after the closing '}'");
        if (!descr) fail("no 'descr' key");
        if (!fortran_order) fail("no 'fortran_order' key");
        if (!shape) fail("no 'shape' key");
        return {*descr, *fortran_order, *shape};
    }

private:
    [[noreturn]] static void fail(const std::string& why) {
        throw Malformed{"header is not a valid dict: " + why};
    }

    template <class T>
    static void set_once(std::optional<T>& slot, const std::string& key, T value) {
        if (slot) fail("key '" + key + "' appears twice");
        slot = std::move(value);
    }

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r'))
            ++pos_;
    }
    bool peek_is(char c) {
        skip_space();
        return pos_ < text_.size() && text_[pos_] == c;
    }
    void expect(char c) {
        if (!peek_is(c)) fail(std::string("expected '") + c + "' at offset " + std::to_string(pos_));
        ++pos_;
    }

    std::string string_literal() {
        skip_space();
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
            fail("expected a quoted string at offset " + std::to_string(pos_));
        const char quote = text_[pos_++];
        const size_t end = text_.find(quote, pos_);
        if (end == std::string_view::npos) fail("unterminated string");
        std::string value(text_.substr(pos_, end - pos_));
        if (value.find('\\') != std::string::npos) fail("escape sequences are not supported");
        pos_ = end + 1;
        return value;
    }

    std::string descr_value() {
        // A list or dict descr is a structured dtype.
        if (peek_is('[') || peek_is('{')) throw Malformed{"unsupported dtype (a structured array)"};
        return string_literal();
    }

    bool bool_literal() {
        skip_space();
        for (std::string_view word : {std::string_view("True"), std::string_view("False")}) {
            if (text_.substr(pos_, word.size()) == word) {
                pos_ += word.size();
                return word == "True";
            }
        }
        fail("'fortran_order' is not True or False");
    }

    [[noreturn]] static void bad_shape(const std::string& why) { throw Malformed{"bad shape: " + why}; }

    int64_t dimension() {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '-') bad_shape("negative dimension");
        if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
            bad_shape("expected a non-negative integer at offset " + std::to_string(pos_));
        int64_t value = 0;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            const int digit = text_[pos_++] - '0';
            if (value > (INT64_MAX - digit) / 10) bad_shape("dimension does not fit in 64 bits");
            value = value * 10 + digit;
        }
        return value;
    }

    // "()", "(3,)", "(2, 3)", "(2, 3,)"; "(3)" is an integer in Python, not a tuple.
    std::vector<int64_t> shape_tuple() {
        if (!peek_is('(')) bad_shape("not a tuple");
        ++pos_;
        std::vector<int64_t> dims;
        bool saw_comma = false;
        while (!peek_is(')')) {
            if (!dims.empty() && !saw_comma) bad_shape("expected ',' or ')' at offset " + std::to_string(pos_));
            dims.push_back(dimension());
            saw_comma = peek_is(',');
            if (saw_comma) ++pos_;
        }
        ++pos_;
        if (dims.size() == 1 && !saw_comma) bad_shape("'(n)' is not a tuple; numpy writes '(n,)'");
        return dims;
    }

    std::string_view text_;
    size_t pos_ = 0;
};

uint32_t little_endian(const unsigned char* bytes, int count) {
    uint32_t value = 0;
    for (int i = count - 1; i >= 0; --i) value = value << 8 | bytes[i];
    return value;
}

// Reads exactly `count` bytes or reports what `what` was cut short.
void read_exactly(std::istream& in, char* into, int64_t count, const char* what) {
    in.read(into, std::streamsize(count));
    if (in.gcount() != std::streamsize(count)) throw Malformed{std::string("truncated ") + what};
}

Tensor read_npy_stream(std::ifstream& in, int64_t file_size) {
    unsigned char prefix[12];
    if (file_size < 8) throw Malformed{"too short to be a .npy file (" + std::to_string(file_size) + " bytes)"};
    read_exactly(in, reinterpret_cast<char*>(prefix), 8, "preamble");
    if (std::memcmp(prefix, magic.data(), magic.size()) != 0) throw Malformed{"wrong magic (not a .npy file)"};
    const int major = prefix[6], minor = prefix[7];
    if ((major != 1 && major != 2 && major != 3) || minor != 0)
        throw Malformed{"unsupported format version " + std::to_string(major) + "." + std::to_string(minor) +
                        " (1.0, 2.0 and 3.0 are read)"};
    const int length_bytes = major == 1 ? 2 : 4;
    read_exactly(in, reinterpret_cast<char*>(prefix + 8), length_bytes, "header length");
    const int64_t header_bytes = little_endian(prefix + 8, length_bytes);
    if (header_bytes > max_header_bytes)
        throw Malformed{"absurd header length " + std::to_string(header_bytes) + " bytes (more than 1 MiB)"};
    const int64_t data_offset = 8 + length_bytes + header_bytes;
    if (data_offset > file_size)
        throw Malformed{"truncated header (" + std::to_string(header_bytes) + " bytes announced, " +
                        std::to_string(file_size - 8 - length_bytes) + " present)"};
    std::string header_text(size_t(header_bytes), '\0');
    read_exactly(in, header_text.data(), header_bytes, "header");

    const Header header = HeaderParser(header_text).parse();
    const bool is_f4 = header.descr == "<f4";
    if (!is_f4 && header.descr != "<f8")
        throw Malformed{"unsupported dtype '" + header.descr + "' (only '<f4' and '<f8' are read)"};
    if (header.fortran_order) throw Malformed{"fortran_order is True (only C order is read)"};

    int64_t count = 0;
    try {
        count = element_count(header.shape);
    } catch (const std::exception&) {
        throw Malformed{"bad shape: the element count overflows 64 bits"};
    }
    const int64_t item_bytes = is_f4 ? 4 : 8;
    if (count > INT64_MAX / item_bytes) throw Malformed{"bad shape: the byte count overflows 64 bits"};
    // Checked before allocating, so a lying shape cannot ask for huge memory.
    const int64_t expected = count * item_bytes, present = file_size - data_offset;
    if (present < expected)
        throw Malformed{"truncated data (" + std::to_string(expected) + " bytes expected, " +
                        std::to_string(present) + " present)"};
    if (present > expected)
        throw Malformed{"trailing data (" + std::to_string(present - expected) + " bytes after the " +
                        std::to_string(expected) + " expected)"};

    Tensor tensor(header.shape);
    if (is_f4) {
        read_exactly(in, reinterpret_cast<char*>(tensor.data()), expected, "data");
        return tensor;
    }
    // <f8: converted in chunks so a large file never needs twice its size.
    std::vector<double> chunk(std::min<int64_t>(count, 1 << 16));
    for (int64_t done = 0; done < count;) {
        const int64_t n = std::min<int64_t>(count - done, int64_t(chunk.size()));
        read_exactly(in, reinterpret_cast<char*>(chunk.data()), n * 8, "data");
        std::transform(chunk.begin(), chunk.begin() + n, tensor.data() + done,
                       [](double v) { return float(v); });
        done += n;
    }
    return tensor;
}

std::string shape_literal(const std::vector<int64_t>& dims) {
    std::string text = "(";
    for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
    return text + (dims.size() == 1 ? ",)" : ")");
}

// 'path' for messages. (Built by appending: "'" + string trips a false
// -Wrestrict warning in GCC 12.)
std::string quoted(const std::filesystem::path& path) {
    std::string text(1, '\'');
    text += path.string();
    text += '\'';
    return text;
}

}  // namespace

Tensor read_npy(const std::filesystem::path& path) {
    const std::string name = quoted(path);
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) throw NpyError(name + ": no such file");
    if (!std::filesystem::is_regular_file(status)) throw NpyError(name + ": not a regular file");
    const auto file_size = std::filesystem::file_size(path, error);
    std::ifstream in(path, std::ios::binary);
    if (error || !in) throw NpyError(name + ": cannot open");
    try {
        return read_npy_stream(in, int64_t(file_size));
    } catch (const Malformed& malformed) {
        throw NpyError(name + ": " + malformed.what);
    }
}

void write_npy(const std::filesystem::path& path, const Tensor& tensor) {
    const std::string name = quoted(path);
    // A default-constructed Tensor has no dims and no data: it is not a 0-d array.
    if (tensor.data() == nullptr || tensor.size() != element_count(tensor.dims()))
        throw NpyError(name + ": cannot write an empty (default-constructed) tensor");
    std::string header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_literal(tensor.dims()) + ", }";
    // Pad with spaces and a final newline so the data starts 64-byte aligned.
    constexpr size_t preamble = 10, alignment = 64;
    const size_t total = (preamble + header.size() + 1 + alignment - 1) / alignment * alignment;
    header.append(total - preamble - header.size() - 1, ' ');
    header += '\n';
    if (header.size() > 0xffff) throw NpyError(name + ": too many dimensions for a format 1.0 header");

    try {
        write_file_atomically(path, [&](std::ostream& out) {
            const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                             static_cast<unsigned char>(header.size() >> 8)};
            out.write(magic.data(), std::streamsize(magic.size()));
            out.put(1).put(0);
            out.write(reinterpret_cast<const char*>(length), 2);
            out.write(header.data(), std::streamsize(header.size()));
            out.write(reinterpret_cast<const char*>(tensor.data()), std::streamsize(tensor.size() * 4));
        });
    } catch (const FileWriteError& failure) {
        throw NpyError(failure.what());
    }
}

}  // namespace convlab
