"""`--isa`, the ISA cap of a whole run: under `--isa avx2` on an AVX-512 CPU
every capped engine's `implementation` names an AVX2 kernel (oneDNN's
"jit:avx2", direct's "avx2", LIBXSMM's "hsw"), XNNPACK declines, the rows
and the metadata record the cap, the cap is part of the --resume key, and a
bad or unavailable value or a CONVLAB_ISA above the cap is exit status 2 with
one line.

Run: python3 test_isa.py PATH/TO/convlab   (ctest does so)
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
PROBLEM = "mb2ic16ih10oc16kh3ph1"
QUICK = ["--repetitions", "1", "--min-time", "0.001"]
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "worked_example")


def convlab(args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVLAB_")}
    environment.update(env or {})
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=600, env=environment)


def cpu_has_avx512():
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    return all(flag in flags for flag in ("avx512f", "avx512vl", "avx512bw", "avx512dq"))


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Isa(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_isa_")
        self.csv = os.path.join(self.tmp, "out.csv")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def bench(self, *extra, algos, env=None):
        args = ["bench", "--problem", PROBLEM, "--threads", "1", *QUICK, "--csv", self.csv, *extra]
        for algo in algos:
            args += ["--algo", algo]
        result = convlab(args, env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def assert_refused(self, args, words, env=None):
        result = convlab(args, env)
        self.assertEqual(result.returncode, 2, f"{args}: stdout {result.stdout!r} stderr {result.stderr!r}")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{args}: stderr is not one line: {result.stderr!r}")
        self.assertTrue(lines[0].startswith("convlab: error: "), lines[0])
        for word in words:
            self.assertIn(word, lines[0])

    def commands(self, *isa):
        return {
            "validate": ["validate", "--problem", PROBLEM, "--algo", "direct", "--dir", "fwd", *isa],
            "bench": ["bench", "--problem", PROBLEM, "--algo", "direct", "--dir", "fwd", "--csv", self.csv, *QUICK,
                      *isa],
            "run": ["run", "--problem", "mb1ic3ih4oc2kh2", "--algo", "direct", "--dir", "fwd", "--in", GOLDEN,
                    "--out", os.path.join(self.tmp, "out"), *isa],
        }

    def test_under_avx2_the_engines_run_avx2_kernels_and_xnnpack_declines(self):
        if not cpu_has_avx512():
            self.skipTest("an AVX2 cap changes nothing on a CPU without AVX-512")
        algos = ["direct", "indirect", "onednn", "onednn_native", "onednn_blocked", "libxsmm", "xnnpack"]
        self.bench("--isa", "avx2", "--dir", "fwd", "--dir", "bwd_d", algos=algos)
        rows = read_rows(self.csv)
        self.assertEqual({r["isa"] for r in rows}, {"avx2"})
        by = {(r["algorithm"], r["direction"]): r for r in rows}
        for d in ("fwd", "bwd_d"):
            for algo in ("direct", "indirect"):  # "avx2", "indirect NHWC, avx2 6x16 tile, ..."
                self.assertEqual(by[algo, d]["status"], "PASSED", by[algo, d])
                self.assertIn("avx2", by[algo, d]["implementation"], by[algo, d])
                self.assertNotIn("avx512", by[algo, d]["implementation"], by[algo, d])
            for algo in ("onednn", "onednn_native", "onednn_blocked"):
                row = by[algo, d]
                self.assertEqual(row["status"], "PASSED", row)
                self.assertNotIn("avx512", row["implementation"], row)
            for algo in ("onednn_native", "onednn_blocked"):  # onednn's plain NCHW runs "x64:gemm:jit"
                self.assertIn("jit:avx2", by[algo, d]["implementation"], by[algo, d])
            self.assertEqual(by["libxsmm", d]["status"], "PASSED", by["libxsmm", d])
            self.assertIn(", hsw,", by["libxsmm", d]["implementation"])
        xnnpack = by["xnnpack", "fwd"]
        self.assertEqual(xnnpack["status"], "SKIPPED")
        self.assertIn("cannot honour the ISA cap avx2", xnnpack["reason"])
        with open(os.path.join(self.tmp, "out.meta.json")) as f:
            isa = json.load(f)["isa"]
        self.assertEqual((isa["cap"], isa["cpu"], isa["convlab"], isa["onednn"], isa["libxsmm"]),
                         ("avx2", "avx512", "avx2", "avx2", "hsw"))
        self.assertIn("not capped", isa["openblas"])

    def test_libtorchs_onednn_runs_avx2_kernels_under_the_cap(self):
        if not cpu_has_avx512():
            self.skipTest("needs an AVX-512 CPU")
        names = [a["name"] for a in json.loads(convlab(["list", "--json"]).stdout)]
        if "torch" not in names:
            self.skipTest("built without the torch baseline")
        for isa, kernel in (("avx2", "jit:avx2"), ("native", "jit:avx512")):
            with self.subTest(isa=isa):
                result = self.bench("--isa", isa, "--dir", "fwd", algos=["torch"], env={"ONEDNN_VERBOSE": "1"})
                execs = {line.split(",")[4] for line in result.stdout.splitlines()
                         if line.startswith("onednn_verbose,exec,cpu,convolution,")}
                self.assertTrue(execs, result.stdout[-2000:])
                self.assertTrue(all(e.startswith(kernel) for e in execs), execs)

    def test_without_a_cap_the_same_engines_run_avx512(self):
        if not cpu_has_avx512():
            self.skipTest("needs an AVX-512 CPU")
        self.bench("--dir", "fwd", algos=["direct", "onednn_native", "libxsmm"])
        by = {r["algorithm"]: r for r in read_rows(self.csv)}
        self.assertEqual({r["isa"] for r in by.values()}, {"native"})
        self.assertTrue(by["direct"]["implementation"].startswith("avx512"), by["direct"])
        self.assertIn("avx512", by["onednn_native"]["implementation"])
        self.assertNotIn(", hsw,", by["libxsmm"]["implementation"])

    def test_the_cap_is_part_of_the_resume_key(self):
        self.bench("--dir", "fwd", algos=["direct"])
        result = self.bench("--dir", "fwd", "--isa", "avx2", "--resume", algos=["direct"])
        self.assertIn("1 rows already", result.stderr)
        self.assertIn("[1/1] direct fwd", result.stderr)
        result = self.bench("--dir", "fwd", "--isa", "avx2", "--resume", algos=["direct"])
        self.assertIn("0 to run", result.stderr)
        self.assertEqual([(r["isa"], r["implementation"][:4]) for r in read_rows(self.csv)],
                         [("native", "avx5" if cpu_has_avx512() else "avx2"), ("avx2", "avx2")])
        with open(os.path.join(self.tmp, "out.json")) as f:
            names = {json.loads(line).get("name", "") for line in f if '"name"' in line}
        self.assertTrue(any(n.startswith("direct/fwd/") and "/isa:avx2" in n for n in names), names)

    def test_validate_under_avx2_passes_and_records_the_cap(self):
        result = convlab(["validate", "--problem", PROBLEM, "--problem", "mb1g8ic8ih9oc8kh3ph1sh2",
                          "--algo", "direct", "--algo", "indirect", "--algo", "onednn_native", "--algo", "libxsmm",
                          "--algo", "winograd_f4x3", "--isa", "avx2", "--threads", "2", "--csv", self.csv])
        self.assertEqual(result.returncode, 0, result.stderr)
        rows = read_rows(self.csv)
        self.assertEqual({r["isa"] for r in rows}, {"avx2"})
        self.assertNotIn("FAILED", {r["status"] for r in rows})
        self.assertGreater(sum(r["status"] == "PASSED" for r in rows), 20)

    def test_bad_value_is_a_usage_error_on_every_command(self):
        for name, args in self.commands("--isa", "avx1024").items():
            with self.subTest(command=name):
                self.assert_refused(args, ["--isa", "got 'avx1024', expected avx2, avx512 or native"])

    def test_an_isa_this_cpu_lacks_is_a_usage_error(self):
        if cpu_has_avx512():
            self.skipTest("this CPU runs every ISA --isa names (the refusal is tested on a made-up CPU in "
                          "test_machine.cpp)")
        for name, args in self.commands("--isa", "avx512").items():
            with self.subTest(command=name):
                self.assert_refused(args, ["--isa", "got 'avx512', expected an ISA this CPU has: native, avx2"])

    def test_convlab_isa_above_the_cap_is_refused_and_below_it_narrows_convlabs_kernels(self):
        if not cpu_has_avx512():
            self.skipTest("needs an AVX-512 CPU")
        for name, args in self.commands("--isa", "avx2").items():
            with self.subTest(command=name):
                self.assert_refused(args, ["CONVLAB_ISA: got 'avx512', expected an ISA within the ISA cap: avx2, "
                                           "scalar"], {"CONVLAB_ISA": "avx512"})
        self.bench("--dir", "fwd", "--isa", "avx2", algos=["direct"], env={"CONVLAB_ISA": "scalar"})
        self.assertEqual(read_rows(self.csv)[0]["implementation"][:6], "scalar")


if __name__ == "__main__":
    CONVLAB = sys.argv.pop(1)
    unittest.main()
