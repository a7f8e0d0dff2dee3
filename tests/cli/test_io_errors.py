"""Every I/O failure a user can provoke ends with exit status 2 and one line
on stderr ("convlab: error: ..."), never 3 (a bug) or a crash: an output that
cannot be written, a missing or unmakeable parent directory, a corrupt file to
resume from, a full disk (simulated with a small file-size limit).

Run: python3 test_io_errors.py PATH/TO/convlab   (ctest does so)
"""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
PROBLEM = "mb1ic4ih8oc4kh3ph1"
QUICK = ["--repetitions", "1", "--min-time", "0.001", "--algo", "naive", "--dir", "fwd", "--problem", PROBLEM]


def convlab(*args, preexec_fn=None):
    return subprocess.run([CONVLAB, *args], capture_output=True, text=True, timeout=300, preexec_fn=preexec_fn)


class IoErrors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_io_")

    def tearDown(self):
        os.chmod(self.tmp, 0o755)
        for root, dirs, _ in os.walk(self.tmp):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_user_error(self, result, *needles):
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertTrue(lines and lines[-1].startswith("convlab: error:"), result.stderr)
        self.assertNotIn("internal error", result.stderr)
        for needle in needles:
            self.assertIn(needle, lines[-1])

    def test_csv_under_a_directory_that_cannot_be_created(self):
        blocker = os.path.join(self.tmp, "file")
        open(blocker, "w").close()  # a file where a directory is needed
        self.assert_user_error(convlab("bench", *QUICK, "--csv", os.path.join(blocker, "sub", "out.csv")),
                               "--csv", "can be made")

    def test_resume_from_a_corrupt_csv(self):
        path = os.path.join(self.tmp, "out.csv")
        with open(path, "w") as f:
            f.write('suite,layer\n"unterminated,quote\n')
        self.assert_user_error(convlab("bench", *QUICK, "--csv", path, "--resume"), "out.csv")

    def test_resume_from_corrupt_raw_results(self):
        # A line before the last that is not JSON is no torn tail: refused, the file left as it was.
        path = os.path.join(self.tmp, "out.json")
        with open(path, "w") as f:
            f.write('{"context": {}}\nnot json\n{"run_type": "iteration"}\n')
        self.assert_user_error(convlab("bench", *QUICK, "--csv", os.path.join(self.tmp, "out.csv"), "--resume"),
                               "out.json", "line 2")
        with open(path) as f:
            self.assertEqual(f.read(), '{"context": {}}\nnot json\n{"run_type": "iteration"}\n')

    def test_resume_from_an_older_single_document_raw_json(self):
        path = os.path.join(self.tmp, "out.json")
        with open(path, "w") as f:
            json.dump({"context": {}, "benchmarks": []}, f, indent=2)
        self.assert_user_error(convlab("bench", *QUICK, "--csv", os.path.join(self.tmp, "out.csv"), "--resume"),
                               "out.json", "one document")

    def test_resume_from_a_csv_without_key_columns(self):
        path = os.path.join(self.tmp, "out.csv")
        with open(path, "w") as f:
            f.write("a,b\n1,2\n")
        self.assert_user_error(convlab("bench", *QUICK, "--csv", path, "--resume"))

    @unittest.skipIf(os.geteuid() == 0, "root writes into read-only directories")
    def test_unwritable_output_directory(self):
        out = os.path.join(self.tmp, "readonly")
        os.mkdir(out)
        os.chmod(out, 0o555)
        self.assert_user_error(convlab("bench", *QUICK, "--csv", os.path.join(out, "out.csv")), "cannot write")

    def test_output_path_is_a_directory(self):
        out = os.path.join(self.tmp, "out.csv")
        os.mkdir(out)
        self.assert_user_error(convlab("bench", *QUICK, "--csv", out), "out.csv")

    def test_full_disk(self):
        # RLIMIT_FSIZE makes writes past the limit fail with EFBIG (convlab
        # ignores SIGXFSZ so that it sees the error rather than dying of it).
        def small_file_limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))
        result = convlab("bench", *QUICK, "--csv", os.path.join(self.tmp, "out.csv"), preexec_fn=small_file_limit)
        self.assert_user_error(result, "cannot write")

    def test_run_output_directory_that_cannot_be_created(self):
        blocker = os.path.join(self.tmp, "file")
        open(blocker, "w").close()
        golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "worked_example")
        result = convlab("run", "--problem", "mb1ic3ih4oc2kh2", "--algo", "naive", "--dir", "fwd", "--in", golden,
                         "--out", os.path.join(blocker, "y"))
        self.assert_user_error(result, "--out", "can be made")


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
