"""Checks of scripts/slurm_local.sh and scripts/slurm_sweep.sh that need no
Slurm: both parse (`bash -n`), `--help` succeeds and bad arguments are
refused with exit status 2 before anything is submitted.

Run: python3 test_slurm_scripts.py PATH/TO/convlab   (ctest does so)
"""
import os
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts")
LOCAL = os.path.join(SCRIPTS, "slurm_local.sh")
SWEEP = os.path.join(SCRIPTS, "slurm_sweep.sh")


def run(*args):
    return subprocess.run(["bash", *args], capture_output=True, text=True, timeout=60)


class SlurmScripts(unittest.TestCase):
    def test_both_scripts_parse(self):
        for script in (LOCAL, SWEEP):
            result = run("-n", script)
            self.assertEqual(result.returncode, 0, (script, result.stderr))

    def test_help_exits_0_and_names_the_options(self):
        sweep = run(SWEEP, "--help")
        self.assertEqual(sweep.returncode, 0, sweep.stderr)
        for option in ("--shards", "--out", "--wait", "--cpus", "--convlab"):
            self.assertIn(option, sweep.stdout)
        local = run(LOCAL, "--help")
        self.assertEqual(local.returncode, 0, local.stderr)
        for command in ("start", "stop", "status"):
            self.assertIn(command, local.stdout)

    def test_sweep_refuses_bad_arguments_before_submitting(self):
        # Each case is refused before the script looks for sbatch: none submits,
        # even where a cluster answers.
        with tempfile.TemporaryDirectory(prefix="convlab_slurm_") as tmp:
            cases = [
                (["run"], "validate or bench"),
                (["validate", "--shards", "0"], "--shards"),
                (["validate", "--shards", "x"], "--shards"),
                (["bench", "--cpus"], "--cpus"),
                (["validate", "--frobnicate"], "unknown option"),
                (["validate", "--convlab", CONVLAB, "--", "--shard", "1/2"], "set by the sweep"),
                (["validate", "--convlab", CONVLAB, "--", "--csv", "x.csv"], "set by the sweep"),
                (["validate", "--convlab", os.path.join(tmp, "none")], "no convlab binary"),
            ]
            for args, message in cases:
                result = run(SWEEP, *args)
                self.assertEqual(result.returncode, 2, (args, result.stderr))
                self.assertIn(message, result.stderr, args)
                self.assertNotIn("submitted", result.stdout, args)

    def test_local_refuses_unknown_commands_and_ports(self):
        with tempfile.TemporaryDirectory(prefix="convlab_slurm_") as tmp:
            for args, message in ((["restart", "--dir", tmp], "unknown command"),
                                  (["start", "--dir", tmp, "--port", "80"], "--port"),
                                  (["start", "--dir", tmp, "--what"], "unknown argument")):
                result = run(LOCAL, *args)
                self.assertEqual(result.returncode, 2, (args, result.stderr))
                self.assertIn(message, result.stderr, args)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
