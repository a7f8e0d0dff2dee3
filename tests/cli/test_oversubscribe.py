"""More threads than the CPUs the affinity mask leaves: `bench`, `validate` and
`peak` refuse with exit status 2 and one line, unless --allow-oversubscribe,
when the metadata records oversubscribed.

Run: python3 test_oversubscribe.py PATH/TO/convlab   (needs taskset)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
SMALL = "mb1ic2ih5oc2kh3"


def on_cpu0(*args):
    return subprocess.run(["taskset", "-c", "0", CONVLAB, *args], capture_output=True, text=True, timeout=300)


@unittest.skipUnless(shutil.which("taskset"), "needs taskset")
class Oversubscribe(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_oversubscribe_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_refused(self, args):
        result = on_cpu0(*args)
        self.assertEqual(result.returncode, 2, f"{args}: stderr {result.stderr!r}")
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"{args}: stderr is not one line: {result.stderr!r}")
        self.assertTrue(lines[0].startswith("convlab: error: "), lines[0])
        for word in ("--threads 2", "1 CPU", "--allow-oversubscribe"):
            self.assertIn(word, lines[0])

    def test_bench_refuses(self):
        csv = os.path.join(self.tmp, "x.csv")
        self.assert_refused(["bench", "--problem", SMALL, "--algo", "naive", "--dir", "fwd", "--threads", "2",
                             "--csv", csv])
        self.assertFalse(os.path.exists(csv))

    def test_validate_refuses(self):
        self.assert_refused(["validate", "--problem", SMALL, "--algo", "naive", "--threads", "1,2"])

    def test_peak_refuses(self):
        self.assert_refused(["peak", "--threads", "2"])

    def test_one_thread_runs(self):
        result = on_cpu0("validate", "--problem", SMALL, "--algo", "naive", "--dir", "fwd", "--threads", "1")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_allowed_oversubscription_is_recorded(self):
        csv = os.path.join(self.tmp, "v.csv")
        result = on_cpu0("validate", "--problem", SMALL, "--algo", "naive", "--dir", "fwd", "--threads", "2",
                         "--allow-oversubscribe", "--csv", csv)
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(self.tmp, "v.meta.json")) as f:
            self.assertIs(json.load(f)["run"]["oversubscribed"], True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_oversubscribe.py PATH/TO/convlab [unittest options]")
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
