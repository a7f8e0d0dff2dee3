// The .npy reader and writer. Malformed files are built here byte by byte
// following the format description (numpy/lib/format.py), not with numpy.
#include "harness/io/npy.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/scratch_dir.hpp"

namespace fs = std::filesystem;
using namespace convlab;

namespace {

using convlab::testing::ScratchDir;

std::string little_endian(uint64_t value, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i) out += char((value >> (8 * i)) & 0xff);
    return out;
}

// Preamble for version major.minor with an explicit header length field.
std::string preamble(int major, int minor, uint64_t header_length) {
    return std::string("\x93NUMPY", 6) + char(major) + char(minor) +
           little_endian(header_length, major == 1 ? 2 : 4);
}

std::string npy(int major, const std::string& header, const std::string& data) {
    return preamble(major, 0, header.size()) + header + data;
}

std::string dict(const std::string& descr, const std::string& fortran, const std::string& shape) {
    return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n";
}

std::string float_bytes(const std::vector<float>& values) {
    std::string out(values.size() * 4, '\0');
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

std::string double_bytes(const std::vector<double>& values) {
    std::string out(values.size() * 8, '\0');
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

fs::path put(const ScratchDir& dir, const std::string& name, const std::string& bytes) {
    fs::path path = dir.path / name;
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return path;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Reading must fail with an NpyError that names the file and says `what`.
void require_rejected(const fs::path& path, const std::string& what) {
    INFO("file " << path.filename() << ", expecting '" << what << "'");
    try {
        read_npy(path);
        FAIL("read_npy accepted it");
    } catch (const NpyError& error) {
        const std::string message = error.what();
        INFO("message: " << message);
        CHECK(message.find(path.string()) != std::string::npos);
        CHECK(message.find(what) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("write_npy then read_npy gives back the tensor", "[npy]") {
    ScratchDir dir("roundtrip");
    for (std::vector<int64_t> dims : {std::vector<int64_t>{2, 3, 4}, {5}, {}, {3, 0, 2}, {1, 1, 1, 1, 7}}) {
        Tensor tensor(dims);
        for (int64_t i = 0; i < tensor.size(); ++i) tensor[i] = float(i) * 0.25f - 3.0f;
        const fs::path path = dir.path / "t.npy";
        write_npy(path, tensor);
        const Tensor back = read_npy(path);
        CHECK(back.dims() == dims);
        REQUIRE(back.size() == tensor.size());
        CHECK(std::memcmp(back.data(), tensor.data(), size_t(tensor.size()) * 4) == 0);
    }
    // Only the target is left: the temporary was renamed, not copied.
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

TEST_CASE("write_npy writes format 1.0 <f4 with a 64-byte aligned header", "[npy]") {
    ScratchDir dir("layout");
    Tensor tensor({2, 3});
    tensor[5] = 1.5f;
    write_npy(dir.path / "t.npy", tensor);
    const std::string bytes = slurp(dir.path / "t.npy");
    REQUIRE(bytes.size() > 10);
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    const size_t header_length = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
    CHECK((10 + header_length) % 64 == 0);
    CHECK(bytes.size() == 10 + header_length + 6 * 4);
    const std::string header = bytes.substr(10, header_length);
    CHECK(header.back() == '\n');
    CHECK(header.find("'descr': '<f4'") != std::string::npos);
    CHECK(header.find("'fortran_order': False") != std::string::npos);
    CHECK(header.find("'shape': (2, 3)") != std::string::npos);
    float last;
    std::memcpy(&last, bytes.data() + bytes.size() - 4, 4);
    CHECK(last == 1.5f);
}

TEST_CASE("write_npy shapes of one and zero dimensions are Python tuples", "[npy]") {
    ScratchDir dir("tuples");
    write_npy(dir.path / "one.npy", Tensor({7}));
    write_npy(dir.path / "zero.npy", Tensor(std::vector<int64_t>{}));
    CHECK(slurp(dir.path / "one.npy").find("'shape': (7,)") != std::string::npos);
    CHECK(slurp(dir.path / "zero.npy").find("'shape': ()") != std::string::npos);
}

TEST_CASE("write_npy replaces an existing file and fails cleanly in a missing directory", "[npy]") {
    ScratchDir dir("replace");
    put(dir, "t.npy", "old content");
    Tensor tensor({2});
    tensor[1] = 4.0f;
    write_npy(dir.path / "t.npy", tensor);
    CHECK(read_npy(dir.path / "t.npy")[1] == 4.0f);

    const fs::path missing = dir.path / "no_such_dir" / "t.npy";
    REQUIRE_THROWS_AS(write_npy(missing, tensor), NpyError);
    REQUIRE_THROWS_WITH(write_npy(missing, tensor), Catch::Contains(missing.string()));
    CHECK_THROWS_AS(write_npy(dir.path / "empty.npy", Tensor()), NpyError);
}

TEST_CASE("read_npy reads hand-built <f4 files of every version", "[npy]") {
    ScratchDir dir("versions");
    const std::string header = dict("<f4", "False", "(2, 2)");
    const std::string data = float_bytes({1.0f, -2.0f, 3.5f, 1e-3f});
    for (int major : {1, 2, 3}) {
        INFO("version " << major << ".0");
        const Tensor t = read_npy(put(dir, "v.npy", npy(major, header, data)));
        CHECK(t.dims() == std::vector<int64_t>{2, 2});
        CHECK(t[0] == 1.0f);
        CHECK(t[1] == -2.0f);
        CHECK(t[2] == 3.5f);
        CHECK(t[3] == 1e-3f);
    }
}

TEST_CASE("read_npy accepts the header forms Python may write", "[npy]") {
    ScratchDir dir("forms");
    const std::string data = float_bytes({1, 2, 3});
    // Double quotes, keys in another order, no trailing comma, (3,) and spaces.
    const std::string header = "{\"shape\": ( 3 , ), \"fortran_order\": False, \"descr\": \"<f4\"}" +
                               std::string(20, ' ') + "\n";
    CHECK(read_npy(put(dir, "a.npy", npy(1, header, data))).dims() == std::vector<int64_t>{3});
    // A 0-d array: shape (), one element.
    const Tensor scalar = read_npy(put(dir, "s.npy", npy(1, dict("<f4", "False", "()"), float_bytes({42}))));
    CHECK(scalar.dims().empty());
    REQUIRE(scalar.size() == 1);
    CHECK(scalar[0] == 42.0f);
}

TEST_CASE("read_npy converts <f8 to fp32", "[npy]") {
    ScratchDir dir("f8");
    const std::vector<double> values{0.5, -3.25, 0.1, 1e10, 1.0 / 3.0, -0.0};
    const Tensor t =
        read_npy(put(dir, "d.npy", npy(1, dict("<f8", "False", "(3, 2)"), double_bytes(values))));
    CHECK(t.dims() == std::vector<int64_t>{3, 2});
    for (size_t i = 0; i < values.size(); ++i) CHECK(t[int64_t(i)] == float(values[i]));
    CHECK(std::signbit(t[5]));
}

TEST_CASE("read_npy reads a numpy-written golden file", "[npy]") {
    // tests/golden/README.md gives the forward output of worked_example.
    const Tensor y = read_npy(fs::path(CONVLAB_GOLDEN_DIR) / "worked_example" / "y.npy");
    CHECK(y.dims() == std::vector<int64_t>{1, 2, 3, 3});
    REQUIRE(y.size() == 18);
    CHECK(y[0] == 296.0f);
    CHECK(y[8] == 315.0f);
    CHECK(y[9] == 291.0f);
    CHECK(y[17] == 257.0f);
}

TEST_CASE("read_npy rejects broken files, naming the file and the fault", "[npy]") {
    ScratchDir dir("reject");
    const std::string good_header = dict("<f4", "False", "(2,)");
    const std::string two_floats = float_bytes({1, 2});

    require_rejected(dir.path / "absent.npy", "no such file");
    require_rejected(dir.path, "not a regular file");
    require_rejected(put(dir, "short.npy", "\x93NUM"), "too short");
    require_rejected(put(dir, "magic.npy", "\x93NUMPZ\x01\x00" + little_endian(0, 2)), "wrong magic");
    require_rejected(put(dir, "text.npy", "hello, world, this is text"), "wrong magic");
    require_rejected(put(dir, "v4.npy", npy(4, good_header, two_floats)), "unsupported format version 4.0");
    require_rejected(put(dir, "v11.npy", preamble(1, 1, good_header.size()) + good_header + two_floats),
                     "unsupported format version 1.1");
    require_rejected(put(dir, "nolength.npy", std::string("\x93NUMPY\x02\x00\x10", 9)), "truncated header length");
    require_rejected(put(dir, "cut.npy", preamble(1, 0, 200) + good_header), "truncated header");
    require_rejected(put(dir, "huge.npy", preamble(2, 0, 0x7fffffff) + good_header), "absurd header length");

    const auto with_header = [&](const std::string& name, const std::string& header) {
        return put(dir, name, npy(1, header, two_floats));
    };
    require_rejected(with_header("list.npy", "[1, 2]\n"), "not a valid dict");
    require_rejected(with_header("open.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)"),
                     "not a valid dict");
    require_rejected(with_header("after.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x"),
                     "not a valid dict");
    require_rejected(with_header("nokey.npy", "{'descr': '<f4', 'shape': (2,)}"), "no 'fortran_order' key");
    require_rejected(with_header("extra.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}"),
                     "unexpected key 'x'");
    require_rejected(with_header("twice.npy", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
                                              "'shape': (2,)}"),
                     "'descr' appears twice");
    require_rejected(with_header("quote.npy", "{'descr: '<f4', 'fortran_order': False, 'shape': (2,)}"),
                     "not a valid dict");
    require_rejected(with_header("bool.npy", dict("<f4", "false", "(2,)")), "not True or False");

    require_rejected(with_header("i4.npy", dict("<i4", "False", "(2,)")), "unsupported dtype '<i4'");
    require_rejected(with_header("big.npy", dict(">f4", "False", "(2,)")), "unsupported dtype '>f4'");
    require_rejected(with_header("f2.npy", dict("<f2", "False", "(4,)")), "unsupported dtype '<f2'");
    require_rejected(with_header("rec.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}"),
                     "unsupported dtype");
    require_rejected(with_header("fortran.npy", dict("<f4", "True", "(2,)")), "fortran_order is True");

    require_rejected(with_header("neg.npy", dict("<f4", "False", "(2, -1)")), "bad shape");
    require_rejected(with_header("int.npy", dict("<f4", "False", "(2)")), "bad shape");
    require_rejected(with_header("list_shape.npy", dict("<f4", "False", "[2]")), "bad shape");
    require_rejected(with_header("float_shape.npy", dict("<f4", "False", "(2.0,)")), "bad shape");
    require_rejected(with_header("comma.npy", dict("<f4", "False", "(1 2)")), "bad shape");
    require_rejected(with_header("digits.npy", dict("<f4", "False", "(99999999999999999999,)")), "bad shape");
    require_rejected(with_header("overflow.npy", dict("<f4", "False", "(4294967296, 4294967296)")),
                     "bad shape");
    require_rejected(with_header("bytes.npy", dict("<f4", "False", "(4611686018427387904,)")), "bad shape");

    require_rejected(with_header("truncated.npy", dict("<f4", "False", "(3,)")), "truncated data");
    require_rejected(with_header("trailing.npy", dict("<f4", "False", "(1,)")), "trailing data");
    require_rejected(with_header("empty_trailing.npy", dict("<f4", "False", "(0,)")), "trailing data");
    require_rejected(with_header("f8_short.npy", dict("<f8", "False", "(2,)")), "truncated data");
}
