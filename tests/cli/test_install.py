"""`cmake --install` into a temporary prefix gives a convlab that finds its
bundled shape sets (relative to the executable, not to the source tree), also
when the build tree's copy is out of reach.

Run: python3 test_install.py PATH/TO/build/convlab   (ctest does so)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

CONVLAB = None  # set from the command line


class Install(unittest.TestCase):
    def test_installed_convlab_finds_the_bundled_sets(self):
        build = os.path.dirname(CONVLAB)
        prefix = tempfile.mkdtemp(prefix="convlab_install_")
        try:
            result = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True,
                                    text=True, timeout=300)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            installed = os.path.join(prefix, "bin", "convlab")
            self.assertTrue(os.path.isfile(os.path.join(prefix, "share", "convlab", "shapes", "resnet_50")))
            # Moved elsewhere as a whole, the prefix still works: nothing points back.
            moved = prefix + "_moved"
            shutil.move(prefix, moved)
            prefix = moved
            installed = os.path.join(prefix, "bin", "convlab")
            env = {k: v for k, v in os.environ.items() if k != "CONVLAB_SHAPES_DIR"}
            result = subprocess.run([installed, "validate", "--batch", "resnet_50", "--mb", "1", "--max-gflop",
                                     "0.03", "--algo", "im2col_gemm", "--dir", "fwd"], capture_output=True, text=True,
                                    timeout=300, env=env, cwd=prefix)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("PASSED", result.stdout)
            self.assertIn("resnet_50:", result.stdout)
        finally:
            shutil.rmtree(prefix, ignore_errors=True)


if __name__ == "__main__":
    CONVLAB = os.path.abspath(sys.argv.pop(1))
    unittest.main()
