"""Every value a user sets, through the environment or an option, is refused
when bad with exit status 2 and one line on stderr naming the setting, the
value and what is accepted, on every command that reads it: CONVLAB_ISA,
CONVLAB_SHAPES_DIR, --threads, and the paths --in, --out and --csv.

Run: python3 test_settings.py PATH/TO/convlab   (ctest does so)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
PROBLEM = "mb1ic4ih8oc4kh3"
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "worked_example")
QUICK = ["--repetitions", "1", "--min-time", "0.001"]


def convlab(args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVLAB_")}
    environment.update(env or {})
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=300, env=environment)


class Settings(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_settings_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def commands(self, algo="direct"):
        """Each command that runs an algorithm, with what it needs besides the setting under test."""
        return {
            "validate": ["validate", "--problem", PROBLEM, "--algo", algo, "--dir", "fwd"],
            "bench": ["bench", "--problem", PROBLEM, "--algo", algo, "--dir", "fwd", "--csv", self.path("b.csv"),
                      *QUICK],
            "run": ["run", "--problem", "mb1ic3ih4oc2kh2", "--algo", algo, "--dir", "fwd", "--in", GOLDEN,
                    "--out", self.path("out")],
        }

    def assert_refused(self, args, words, env=None):
        result = convlab(args, env)
        self.assertEqual(result.returncode, 2, f"{args} {env}: stdout {result.stdout!r} stderr {result.stderr!r}")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{args}: stderr is not one line: {result.stderr!r}")
        self.assertTrue(lines[0].startswith("convlab: error: "), lines[0])
        for word in words:
            self.assertIn(word, lines[0])
        return lines[0]

    def test_unknown_isa(self):
        for name, args in self.commands().items():
            with self.subTest(command=name):
                self.assert_refused(args, ["CONVLAB_ISA: got 'avx1024', expected avx2, avx512 or scalar"],
                                    {"CONVLAB_ISA": "avx1024"})
        with self.subTest(command="list"):
            self.assert_refused(["list"], ["CONVLAB_ISA", "avx1024"], {"CONVLAB_ISA": "avx1024"})

    def test_isa_refused_before_any_case_runs(self):
        # naive does not read the ISA: the environment is still checked first.
        result = convlab(self.commands(algo="naive")["validate"], {"CONVLAB_ISA": "AVX2"})
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stdout, "")

    def test_good_isa_runs(self):
        result = convlab(self.commands()["validate"], {"CONVLAB_ISA": "scalar"})
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("PASSED", result.stdout)

    def test_shapes_dir_that_is_not_a_directory(self):
        missing = self.path("no_shapes")
        for name, args in self.commands(algo="naive").items():
            with self.subTest(command=name):
                self.assert_refused(args, ["CONVLAB_SHAPES_DIR", missing, "expected a directory"],
                                    {"CONVLAB_SHAPES_DIR": missing})

    def test_bad_thread_counts(self):
        for value in ("0", "-2", "1.5", "two", "4097", "99999999999999999999"):
            for name, args in self.commands(algo="naive").items():
                with self.subTest(command=name, threads=value):
                    self.assert_refused(args + ["--threads", value],
                                        [f"--threads: got '{value}', expected a whole number of threads from 1 to 4096"])
        with self.subTest(command="validate", threads="1,0"):
            self.assert_refused(self.commands(algo="naive")["validate"] + ["--threads", "1,0"], ["--threads", "'0'"])

    def test_run_input_directory_that_cannot_be_read(self):
        args = self.commands(algo="naive")["run"]
        args[args.index("--in") + 1] = self.path("missing")
        self.assert_refused(args, ["--in: got '" + self.path("missing") + "', expected a directory"])

    def test_run_output_directory_refused_before_computing(self):
        blocker = self.path("file")
        open(blocker, "w").close()
        args = self.commands(algo="naive")["run"]
        args[args.index("--out") + 1] = os.path.join(blocker, "y")
        self.assert_refused(args, ["--out: got '" + os.path.join(blocker, "y") + "'", "can be made"])

    def test_csv_directory_that_cannot_be_made(self):
        blocker = self.path("file")
        open(blocker, "w").close()
        csv = os.path.join(blocker, "sub", "out.csv")
        for name in ("validate", "bench"):
            with self.subTest(command=name):
                args = self.commands(algo="naive")[name]
                if "--csv" in args:
                    args[args.index("--csv") + 1] = csv
                else:
                    args += ["--csv", csv]
                self.assert_refused(args, ["--csv: got '" + csv + "'", "can be made"])

    def test_validate_makes_the_directory_of_its_csv(self):
        csv = self.path("new/dir/out.csv")
        result = convlab(self.commands(algo="naive")["validate"] + ["--csv", csv])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(os.path.isfile(csv))


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
