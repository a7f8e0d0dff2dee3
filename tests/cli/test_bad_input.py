"""Every kind of bad input a user can give (descriptors, shape files, .npy files, options) ends with exit status 2
and one line on stderr, "convlab: error: ...", that names the input and what
is wrong with it: malformed descriptors, shape files, .npy files, command-line
arguments, and problems too large for the memory available.

Run: python3 test_bad_input.py PATH/TO/convlab   (ctest does so; numpy required)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

import numpy as np

CONVLAB = None  # set from the command line
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden")
CASE = "grouped"  # g2mb2ic4ih7oc6kh3ph1: x (2,4,7,7), w (6,2,3,3), b (6,), y (2,6,7,7)
SMALL = "mb1ic2ih5oc2kh3"
# Petabytes of tensors: no machine holds them, and every product still fits 64 bits.
HUGE = "mb100000ic1024ih1024oc1024kh3"


def convlab(*args):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=120)


def golden_descriptor():
    with open(os.path.join(GOLDEN, CASE, "descriptor")) as f:
        return f.read().strip()


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_bad_input_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_refused(self, args, *words):
        """Exit status 2, exactly one stderr line in convlab's form, naming `words`."""
        result = convlab(*args)
        self.assertEqual(result.returncode, 2, f"{args}: stdout {result.stdout!r} stderr {result.stderr!r}")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{args}: stderr is not one line: {result.stderr!r}")
        self.assertTrue(lines[0].startswith("convlab: error: "), lines[0])
        for word in words:
            self.assertIn(word, lines[0], f"{args}")
        return lines[0]

    def path(self, name):
        return os.path.join(self.tmp, name)


class Descriptors(BadInput):
    """Each through `validate` and `run`: the message quotes the descriptor and says what is wrong."""

    def assert_bad_descriptor(self, descriptor, *words):
        for args in (["validate", "--problem", descriptor, "--algo", "naive"],
                     ["run", "--problem", descriptor, "--algo", "naive", "--dir", "fwd",
                      "--in", os.path.join(GOLDEN, CASE), "--out", self.path("out")]):
            with self.subTest(command=args[0], descriptor=descriptor):
                self.assert_refused(args, f'"{descriptor}"', *words)
        self.assertFalse(os.path.exists(self.path("out")), "run wrote output for a bad descriptor")

    def test_unknown_entry(self):
        self.assert_bad_descriptor("mb2ic3ih8oc4kh3zz1", "unknown entry", "zz")

    def test_missing_ic(self):
        self.assert_bad_descriptor("mb2ih8oc4kh3", "'ic' is required")

    def test_missing_ih(self):
        self.assert_bad_descriptor("mb2ic3oc4kh3", "'ih' is required")

    def test_missing_kh(self):
        self.assert_bad_descriptor("mb2ic3ih8oc4", "'kh' is required")

    def test_zero_size(self):
        self.assert_bad_descriptor("ic3ih4oh0oc4kh3", "'oh' must be positive")
        self.assert_bad_descriptor("mb0ic3ih8oc4kh3", "'mb' must be positive")

    def test_negative_deduced_padding(self):
        # oh2 from ih8 with kh3 needs a padding of -2 on each side.
        self.assert_bad_descriptor("ic3ih8oh2oc4kh3", "deduced 'ph' is negative")

    def test_negative_value(self):
        self.assert_bad_descriptor("ic3ih8oc4kh3ph-1", "'ph' must be a non-negative integer")

    def test_channels_not_divisible_by_groups(self):
        self.assert_bad_descriptor("g2ic3oc4ih8kh3", "'ic3' is not divisible by 'g2'")
        self.assert_bad_descriptor("g2ic4oc5ih8kh3", "'oc5' is not divisible by 'g2'")

    def test_stride_zero(self):
        self.assert_bad_descriptor("ic3ih8oc4kh3sh0", "stride 'sh' must be positive")

    def test_kernel_extent_larger_than_padded_input(self):
        self.assert_bad_descriptor("ic3ih2oc4kh5", "kernel extent 5", "padded input 2")
        self.assert_bad_descriptor("ic3ih4oc4kh3dh2", "kernel extent 7", "padded input 4")  # dilated

    def test_number_overflowing_64_bits(self):
        self.assert_bad_descriptor("mb99999999999999999999ic3ih8oc4kh3", "'mb' overflows 64 bits")

    def test_trailing_junk(self):
        self.assert_bad_descriptor("mb2ic3ih8oc4kh3 junk", "unexpected ' junk'")

    def test_empty(self):
        self.assert_refused(["validate", "--problem", "", "--algo", "naive"], "empty")


class ShapeFiles(BadInput):
    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def test_missing_file(self):
        self.assert_refused(["validate", "--batch", self.path("no_such_shapes")], "no_such_shapes", "no shape file")

    def test_missing_include(self):
        outer = self.write("outer", f"{SMALL}\n--batch=absent_shapes\n")
        self.assert_refused(["validate", "--batch", outer, "--algo", "naive"], "outer:2", "absent_shapes",
                            "does not exist")

    def test_include_cycle(self):
        self.write("first", f"{SMALL}\n--batch=second\n")
        self.write("second", "--batch=first\n")
        self.assert_refused(["validate", "--batch", self.path("first"), "--algo", "naive"], "include cycle",
                            "first", "second")

    def test_bad_descriptor_names_file_and_line(self):
        shapes = self.write("shapes", f"# a comment\n{SMALL}\nmb2ic3ih8oc4kh3zz1\n")
        self.assert_refused(["validate", "--batch", shapes, "--algo", "naive"], "shapes:3", "unknown entry")


class NpyFiles(BadInput):
    """A spoilt x.npy given to `convlab run ... fwd`: the message names the file and the fault."""

    def setUp(self):
        super().setUp()
        self.inputs = self.path("in")
        os.makedirs(self.inputs)
        for name in ("x", "w", "b"):
            shutil.copy(os.path.join(GOLDEN, CASE, name + ".npy"), self.inputs)
        self.x = os.path.join(self.inputs, "x.npy")
        self.out = self.path("out")

    def assert_bad_x(self, *words):
        self.assert_refused(["run", "--problem", golden_descriptor(), "--algo", "naive", "--dir", "fwd",
                             "--in", self.inputs, "--out", self.out], "x.npy", *words)
        self.assertFalse(os.path.exists(os.path.join(self.out, "y.npy")), "an output was written from bad input")

    def write_x(self, data):
        with open(self.x, "wb") as f:
            f.write(data)

    def x_bytes(self):
        with open(self.x, "rb") as f:
            return f.read()

    def header_v1(self, header):
        """A format 1.0 prefix: magic, version, little-endian u16 length, header."""
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header

    def test_missing(self):
        os.remove(self.x)
        self.assert_bad_x("missing input file")

    def test_wrong_magic(self):
        self.write_x(b"\x93NUMPZ" + self.x_bytes()[6:])
        self.assert_bad_x("wrong magic")

    def test_not_npy_at_all(self):
        self.write_x(b"x,y\n")
        self.assert_bad_x("too short")

    def test_truncated_header(self):
        self.write_x(self.x_bytes()[:40])
        self.assert_bad_x("truncated header")

    def test_truncated_data(self):
        self.write_x(self.x_bytes()[:-4])
        self.assert_bad_x("truncated data")

    def test_unsupported_dtype(self):
        np.save(self.x, np.zeros((2, 4, 7, 7), np.int32))
        self.assert_bad_x("unsupported dtype", "<i4")

    def test_fortran_order(self):
        np.save(self.x, np.asfortranarray(np.zeros((2, 4, 7, 7), np.float32)))
        self.assertIn(b"'fortran_order': True", self.x_bytes()[:128])  # numpy wrote what the test means
        self.assert_bad_x("fortran_order")

    def test_shape_disagreeing_with_the_problem(self):
        np.save(self.x, np.zeros((2, 4, 7, 6), np.float32))
        self.assert_bad_x("(2, 4, 7, 6)", "(2, 4, 7, 7)")

    def test_absurd_header_length(self):
        # Format 2.0 has a 32-bit header length: 4 GiB announced.
        self.write_x(b"\x93NUMPY\x02\x00" + struct.pack("<I", 0xFFFFFFF0) + b"{'descr': '<f4'")
        self.assert_bad_x("absurd header length")

    def test_header_not_a_dict(self):
        self.write_x(self.header_v1(b"not a dict at all".ljust(55) + b"\n"))
        self.assert_bad_x("header")


class CommandLine(BadInput):
    def commands(self, algo="naive", direction="fwd"):
        """Each command with what it needs besides the option under test."""
        return {
            "validate": ["validate", "--problem", SMALL, "--algo", algo, "--dir", direction],
            "bench": ["bench", "--problem", SMALL, "--algo", algo, "--dir", direction, "--csv", self.path("b.csv")],
            "run": ["run", "--problem", SMALL, "--algo", algo, "--dir", direction, "--in", self.tmp,
                    "--out", self.path("out")],
        }

    def test_unknown_option(self):
        for name, args in self.commands().items():
            with self.subTest(command=name):
                self.assert_refused(args + ["--frobnicate"], "--frobnicate")

    def test_missing_value(self):
        for name, args in self.commands().items():
            with self.subTest(command=name):
                self.assert_refused(args + ["--threads"], "--threads")

    def test_zero_threads(self):
        for name, args in self.commands().items():
            with self.subTest(command=name):
                self.assert_refused(args + ["--threads", "0"], "--threads", "0")

    def test_bad_data_and_ftz(self):
        for name in ("validate", "bench"):
            for value in ("gauss", "relu:0.2", "denormal:0.9", "denormal:", ""):
                with self.subTest(command=name, data=value):
                    self.assert_refused(self.commands()[name] + ["--data", value], "--data")
        for name, args in self.commands().items():
            with self.subTest(command=name):
                self.assert_refused(args + ["--ftz", "yes"], "--ftz", "yes")

    def test_negative_or_zero_minibatch(self):
        for name in ("validate", "bench"):
            for value in ("-1", "0"):
                with self.subTest(command=name, mb=value):
                    self.assert_refused(self.commands()[name] + ["--mb", value], "--mb", value)

    def test_unknown_algorithm(self):
        for name, args in self.commands(algo="no_such_algo").items():
            with self.subTest(command=name):
                self.assert_refused(args, "no_such_algo", "naive")

    def test_unknown_direction(self):
        for name, args in self.commands(direction="sideways").items():
            with self.subTest(command=name):
                self.assert_refused(args, "sideways")

    def test_unknown_subcommand(self):
        self.assert_refused(["frobnicate"], "frobnicate")

    def test_no_subcommand(self):
        self.assert_refused([], "subcommand")

    def test_no_problem_selected(self):
        for args in (["validate", "--algo", "naive"], ["bench", "--algo", "naive", "--csv", self.path("b.csv")]):
            with self.subTest(command=args[0]):
                self.assert_refused(args, "--problem", "--batch")

    def test_missing_required_option(self):
        self.assert_refused(["run", "--problem", SMALL, "--algo", "naive", "--dir", "fwd", "--in", self.tmp], "--out")

    def test_declined_problem(self):
        # winograd_f2x3 computes only 3x3 stride-1 kernels: run names it, the
        # direction, the problem and the reason, rather than computing something else.
        line = self.assert_refused(["run", "--problem", "mb1ic2ih9oc2kh2sh2", "--algo", "winograd_f2x3", "--dir",
                                    "fwd", "--in", self.tmp, "--out", self.path("out")],
                                   "winograd_f2x3", "does not run", "fwd", "mb1ic2")
        self.assertRegex(line, r"mb1ic2\S*: \S", "no reason given")

    def test_non_numeric_value(self):
        self.assert_refused(self.commands()["validate"] + ["--seed", "many"], "--seed", "many")
        self.assert_refused(self.commands()["validate"] + ["--mb", "1e3"], "--mb", "1e3")
        self.assert_refused(self.commands()["validate"] + ["--threads", "1.5"], "--threads", "1.5")

    def test_negative_seed(self):
        self.assert_refused(self.commands()["validate"] + ["--seed", "-1"], "--seed", "-1")

    def test_value_overflowing_64_bits(self):
        too_big = "99999999999999999999"
        self.assert_refused(self.commands()["validate"] + ["--mb", too_big], "--mb", too_big, "overflows 64 bits")
        self.assert_refused(self.commands()["validate"] + ["--seed", too_big + "9"], "--seed", "overflows 64 bits")


class SizeGuard(BadInput):
    """A problem whose tensors cannot fit is refused before anything is allocated:
    exit 2 at once (an allocation attempt would fail or be killed instead)."""

    def assert_too_big(self, args):
        line = self.assert_refused(args, "mb100000ic1024", "bytes", "available")
        numbers = [int(word) for word in line.replace(",", " ").split() if word.isdigit()]
        self.assertGreaterEqual(len(numbers), 2, line)  # bytes needed and bytes available
        self.assertGreater(max(numbers), 10**14, line)  # hundreds of terabytes needed

    def test_run(self):
        self.assert_too_big(["run", "--problem", HUGE, "--algo", "naive", "--dir", "fwd", "--in", self.tmp,
                             "--out", self.path("out")])

    def test_validate(self):
        for direction in ("fwd", "bwd_d", "bwd_w"):
            with self.subTest(direction=direction):
                self.assert_too_big(["validate", "--problem", HUGE, "--algo", "naive", "--dir", direction])

    def test_validate_refuses_before_running_any_case(self):
        result = convlab("validate", "--problem", SMALL, "--problem", HUGE, "--algo", "naive", "--dir", "fwd")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")

    def test_sizes_overflowing_64_bits(self):
        # Each value fits 64 bits; their product (the tensor's bytes) does not.
        self.assert_refused(["validate", "--problem", "mb4000000000ic4000000000ih1oc1kh1", "--algo", "naive"],
                            "64 bits")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_bad_input.py PATH/TO/convlab [unittest options]")
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
