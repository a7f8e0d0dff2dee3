"""`cmake --install` into a temporary prefix gives a standalone convlab: moved
elsewhere as a whole, with the source and build trees out of reach, it finds
its bundled shape sets (relative to the executable), benches, picks (writing
data only, nothing under results/) and reports the commit it was built from.

The trees are put out of reach by mounting an empty tmpfs over them in a
user and mount namespace (`unshare`); where the kernel refuses that, the run
sees them, and the check that the binary names no source path stands alone.

Run: python3 test_install.py PATH/TO/build/convlab   (ctest does so)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line
SOURCE = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PROBLEM = "mb1ic4ih8oc4kh3ph1"

# In the namespace: `sh -c HIDE_AND_RUN sh TREE... -- COMMAND...` mounts an
# empty tmpfs over each tree, makes sure it now looks empty, runs the command.
HIDE_AND_RUN = """
while [ "$1" != -- ]; do
    mount -t tmpfs none "$1" || exit 97
    [ -z "$(ls -A "$1")" ] || exit 98
    shift
done
shift
exec "$@"
"""


def source_commit():
    """HEAD of the source tree, or "unknown" when it is not a git work tree of its own."""
    result = subprocess.run(["git", "-C", SOURCE, "rev-parse", "--show-toplevel", "HEAD"], capture_output=True,
                            text=True)
    lines = result.stdout.split()
    if result.returncode != 0 or len(lines) != 2 or os.path.realpath(lines[0]) != SOURCE:
        return "unknown"
    return lines[1]


def trees_to_hide(build):
    """The source and build trees, without one that lies inside the other (hidden with it)."""
    trees = sorted({SOURCE, os.path.realpath(build)})
    return [t for t in trees if not any(t.startswith(other + os.sep) for other in trees if other != t)]


def can_hide():
    return shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True).returncode == 0


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.build = os.path.dirname(CONVLAB)
        cls.tmp = tempfile.mkdtemp(prefix="convlab_install_")
        cls.hidden = trees_to_hide(cls.build)
        assert not any(os.path.realpath(cls.tmp).startswith(t + os.sep) for t in cls.hidden), "TMPDIR in a tree"
        prefix = os.path.join(cls.tmp, "prefix")
        result = subprocess.run(["cmake", "--install", cls.build, "--prefix", prefix], capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert os.path.isfile(os.path.join(prefix, "share", "convlab", "shapes", "resnet_50"))
        # Moved elsewhere as a whole, the prefix still works: nothing points back.
        cls.prefix = os.path.join(cls.tmp, "moved")
        shutil.move(prefix, cls.prefix)
        cls.installed = os.path.join(cls.prefix, "bin", "convlab")
        cls.can_hide = can_hide()
        if not cls.can_hide:
            print("test_install: unshare refused; the trees stay reachable", file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.work = tempfile.mkdtemp(dir=self.tmp, prefix="work_")  # the working directory, outside both trees

    def convlab(self, *args):
        env = {k: v for k, v in os.environ.items() if k != "CONVLAB_SHAPES_DIR"}
        command = [self.installed, *args]
        if self.can_hide:
            command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", HIDE_AND_RUN, "sh",
                       *self.hidden, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=self.work)
        self.assertNotIn(result.returncode, (97, 98), f"could not hide the trees: {result.stderr}")
        return result

    def test_the_binary_names_no_source_path(self):
        with open(self.installed, "rb") as f:
            binary = f.read()
        if b"__asan_init" in binary or b"__ubsan_handle" in binary:
            # The sanitizers' reports name the source file of every check
            # they carry, so a sanitizer build names its tree by design; the
            # runs with the trees hidden still test that it does not need it.
            self.skipTest("a sanitizer build embeds source file names in its checks")
        source = SOURCE.encode()
        build = os.path.realpath(self.build).encode()
        # Weaker than the runs with the trees hidden (a path the compiler
        # builds from immediate operands, as a short std::string, is not
        # found), and the only check where unshare is refused. The build
        # tree's own paths (the torch module's fallback for the uninstalled
        # build) may lie under the source tree; nothing else may.
        in_build = binary.count(build + b"/") if build.startswith(source + b"/") else 0
        self.assertEqual(binary.count(source) - in_build, 0, "the installed convlab names its source tree")

    def test_installed_convlab_finds_the_bundled_sets(self):
        result = self.convlab("validate", "--batch", "resnet_50", "--mb", "1", "--max-gflop", "0.03", "--algo",
                              "im2col_gemm", "--dir", "fwd")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("PASSED", result.stdout)
        self.assertIn("resnet_50:", result.stdout)

    def test_bench_and_pick_from_the_moved_prefix(self):
        result = self.convlab("bench", "--problem", PROBLEM, "--algo", "im2col_gemm", "--dir", "fwd", "--threads",
                              "1", "--repetitions", "2", "--min-time", "0.01", "--csv", "run.csv")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        result = self.convlab("pick", "run.csv", "--plan", "plan.json")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(os.path.join(self.work, "plan.json")) as f:
            plan = json.load(f)
        self.assertEqual([layer["fwd"] for layer in plan["layers"].values()], ["im2col_gemm"])
        self.assertNotIn("results", os.listdir(self.work))  # pick draws no plot

        with open(os.path.join(self.work, "run.meta.json")) as f:
            git = json.load(f)["git"]
        expected = source_commit()
        self.assertEqual(git["commit"], expected,
                         "the commit recorded at build time is not the source's HEAD (built before the last commit?)")
        if expected == "unknown":
            self.assertIsNone(git["dirty"])
        else:
            self.assertEqual(git["dirty"], bool(git["dirty_paths"]))


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
