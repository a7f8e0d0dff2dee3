"""cmake/source_state.cmake, which records the source tree's git state at
build time for the run metadata: the commit, the dirty paths outside
results/, "unknown" outside a git work tree of its own (a tarball, a tree
inside another repository), a linked worktree like any other, and the header
rewritten only when the state changed (so an unchanged tree rebuilds nothing).

Run: python3 test_source_state.py [CMAKE]   (ctest passes its cmake)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "cmake", "source_state.cmake")
CMAKE = "cmake"
GIT = shutil.which("git")


def git(directory, *args):
    return subprocess.run([GIT, "-C", directory, "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          capture_output=True, text=True, check=True).stdout.strip()


@unittest.skipUnless(GIT, "no git")
class SourceState(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="convlab_source_state_")
        self.header = os.path.join(self.tmp, "out", "source_state.hpp")
        self.repo = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(self.repo, "results"))
        self.write("src.cpp", "int a;\n")
        self.write("results/run.csv", "a\n")
        git(self.repo, "init", "-q")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "x")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name, text):
        with open(os.path.join(self.repo, name), "w") as f:
            f.write(text)

    def record(self, source):
        """(commit, [dirty paths]) as the generated header states them."""
        result = subprocess.run([CMAKE, f"-DSOURCE_DIR={source}", f"-DOUTPUT={self.header}", f"-DGIT_EXECUTABLE={GIT}",
                                 "-P", SCRIPT], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        with open(self.header) as f:
            text = f.read()
        commit = re.search(r'commit = "([^"]*)";', text).group(1)
        paths = re.search(r'dirty_paths = R"convlab\((.*)\)convlab";', text, re.S).group(1)
        return commit, paths.splitlines()

    def test_commit_and_a_clean_tree(self):
        self.assertEqual(self.record(self.repo), (git(self.repo, "rev-parse", "HEAD"), []))

    def test_dirty_paths_ignore_results(self):
        self.write("results/run.csv", "a\n1\n")  # a run rewriting its results leaves the tree clean
        self.assertEqual(self.record(self.repo)[1], [])
        self.write("src.cpp", "int b;\n")  # an edit git's index has not seen
        self.assertEqual(self.record(self.repo)[1], ["src.cpp"])
        git(self.repo, "add", "src.cpp")  # staged, not committed: still dirty
        self.assertEqual(self.record(self.repo)[1], ["src.cpp"])

    def test_unknown_outside_git(self):
        tarball = os.path.join(self.tmp, "unpacked")
        os.makedirs(tarball)
        self.assertEqual(self.record(tarball), ("unknown", []))

    def test_unknown_inside_another_repository(self):
        nested = os.path.join(self.repo, "vendored")
        os.makedirs(nested)
        self.write("src.cpp", "int b;\n")  # the outer repository's state must not leak in
        self.assertEqual(self.record(nested), ("unknown", []))

    def test_a_linked_worktree(self):
        linked = os.path.join(self.tmp, "linked")
        git(self.repo, "worktree", "add", "-q", "-b", "other", linked)
        with open(os.path.join(linked, "src.cpp"), "w") as f:
            f.write("int c;\n")
        git(linked, "commit", "-q", "-am", "y")
        commit = git(linked, "rev-parse", "HEAD")
        self.assertNotEqual(commit, git(self.repo, "rev-parse", "HEAD"))
        self.assertEqual(self.record(linked), (commit, []))

    def test_header_rewritten_only_on_change(self):
        self.record(self.repo)
        os.utime(self.header, (1_000_000, 1_000_000))
        self.record(self.repo)
        self.assertEqual(os.stat(self.header).st_mtime, 1_000_000)
        self.write("src.cpp", "int b;\n")
        self.record(self.repo)
        self.assertNotEqual(os.stat(self.header).st_mtime, 1_000_000)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        CMAKE = sys.argv.pop(1)
    unittest.main()
