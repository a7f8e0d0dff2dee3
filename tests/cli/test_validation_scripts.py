"""scripts/validate_full.sh and scripts/validation_summary.py: bad arguments
are refused with exit status 2; a small sweep (one set, two algorithms, one
direction) writes its CSV and a summary whose counts are those of the CSV;
a second call skips the finished set; shards cover the cases once and
--merge joins them.

Run: python3 test_validation_scripts.py PATH/TO/convlab   (ctest does so)
"""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
SWEEP = os.path.join(SCRIPTS, "validate_full.sh")
SUMMARY = os.path.join(SCRIPTS, "validation_summary.py")
SMALL = ["--algo", "im2col_gemm", "--algo", "naive", "--dir", "bwd_d"]


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=600)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def table_row(summary, name):
    for line in summary.splitlines():
        if line.startswith(f"| {name} |"):
            return [cell.strip() for cell in line.strip("|").split("|")]
    raise AssertionError(f"no row {name} in:\n{summary}")


class ValidateFull(unittest.TestCase):
    def test_bad_arguments_exit_2(self):
        with tempfile.TemporaryDirectory(prefix="convlab_vf_") as tmp:
            for args, message in [
                (["--frobnicate"], "unknown option"),
                (["--shard", "x"], "--shard takes K/N"),
                (["--convlab", os.path.join(tmp, "none")], "no convlab binary"),
            ]:
                result = run("bash", SWEEP, "--out", tmp, *args)
                self.assertEqual(result.returncode, 2, (args, result.stderr))
                self.assertIn(message, result.stderr, args)

    def test_help_names_the_options(self):
        result = run("bash", SWEEP, "--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for option in ("--shard", "--merge", "--sets", "--budget-gflop", "--out"):
            self.assertIn(option, result.stdout)

    def test_a_small_sweep_its_summary_its_resume_and_its_shards(self):
        with tempfile.TemporaryDirectory(prefix="convlab_vf_") as tmp:
            whole = os.path.join(tmp, "whole")
            args = ["bash", SWEEP, "--out", whole, "--sets", "mobilenet_dw", "--budget-gflop", "0.002",
                    "--convlab", CONVLAB, "--", *SMALL]
            result = run(*args)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            table = rows(os.path.join(whole, "mobilenet_dw.csv"))
            statuses = [r["status"] for r in table]
            self.assertEqual(len(table), 2 * 19)  # 19 layers x 2 algorithms x bwd_d
            self.assertGreater(statuses.count("PASSED"), 19)
            self.assertGreater(statuses.count("SKIPPED"), 0)  # naive over the budget
            with open(os.path.join(whole, "SUMMARY.md")) as f:
                summary = f.read()
            cells = table_row(summary, "mobilenet_dw")
            self.assertEqual(cells[1:6], [str(len(table)), str(statuses.count("PASSED")), "0",
                                          str(statuses.count("SKIPPED")), "0"])
            self.assertIn("| SKIPPED | naive | over budget", summary)

            again = run(*args)
            self.assertEqual(again.returncode, 0, again.stderr)
            self.assertIn("mobilenet_dw already done", again.stdout)

            sharded = os.path.join(tmp, "sharded")
            for k in (1, 2):
                shard = run("bash", SWEEP, "--out", sharded, "--sets", "mobilenet_dw", "--budget-gflop", "0.002",
                            "--convlab", CONVLAB, "--shard", f"{k}/2", "--", *SMALL)
                self.assertEqual(shard.returncode, 0, shard.stdout + shard.stderr)
            merged = run("bash", SWEEP, "--out", sharded, "--sets", "mobilenet_dw", "--convlab", CONVLAB, "--merge")
            self.assertEqual(merged.returncode, 0, merged.stdout + merged.stderr)
            key = lambda r: (r["descriptor"], r["algorithm"], r["direction"], r["status"])
            self.assertEqual(sorted(map(key, rows(os.path.join(sharded, "mobilenet_dw.csv")))),
                             sorted(map(key, table)))

    def test_the_summary_refuses_a_file_that_is_not_a_validate_csv(self):
        with tempfile.TemporaryDirectory(prefix="convlab_vf_") as tmp:
            bad = os.path.join(tmp, "bad.csv")
            with open(bad, "w") as f:
                f.write("a,b\n1,2\n")
            result = run(sys.executable, SUMMARY, bad, "--out", os.path.join(tmp, "S.md"))
            self.assertEqual(result.returncode, 2)
            self.assertIn("not a `convlab validate --csv` file", result.stderr)
            missing = run(sys.executable, SUMMARY, os.path.join(tmp, "none.csv"), "--out", os.path.join(tmp, "S.md"))
            self.assertEqual(missing.returncode, 2)
            self.assertIn("cannot read", missing.stderr)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
