"""The values a user sets reach Python as ValueError naming the setting, the
value and what is accepted, as the command line's exit status 2: a bad
CONVLAB_ISA or CONVLAB_SHAPES_DIR in the environment, a bad thread count."""

import os
import subprocess
import sys

import numpy as np
import pytest

import convlab

P = "mb1ic4ih8oc4kh3"
ISA_ERROR = r"CONVLAB_ISA: got 'avx1024', expected avx2, avx512 or scalar"


def inputs():
    p = convlab.Problem(P)
    rng = np.random.default_rng(0)
    return p, rng.standard_normal(p.shape("x")), rng.standard_normal(p.shape("w"))


@pytest.fixture
def bad_isa(monkeypatch):
    monkeypatch.setenv("CONVLAB_ISA", "avx1024")


def test_a_bad_isa_is_a_value_error_from_forward(bad_isa):
    p, x, w = inputs()
    with pytest.raises(ValueError, match=ISA_ERROR):
        convlab.forward(p, x, w, algo="direct")


def test_a_bad_isa_is_a_value_error_from_validate_not_a_failed_verdict(bad_isa):
    with pytest.raises(ValueError, match=ISA_ERROR):
        convlab.validate("direct", P, "fwd", threads=1)


def test_a_bad_isa_is_a_value_error_from_bench(bad_isa):
    with pytest.raises(ValueError, match=ISA_ERROR):
        convlab.bench(P, ["direct"], directions="fwd", threads=1, repetitions=1, min_time=0.001)


def test_a_bad_isa_is_a_value_error_from_algorithms(bad_isa):
    with pytest.raises(ValueError, match=ISA_ERROR):
        convlab.algorithms()


def test_a_good_isa_runs(monkeypatch):
    monkeypatch.setenv("CONVLAB_ISA", "scalar")
    assert convlab.validate("direct", P, "fwd", threads=1).verdict == "PASSED"


def test_a_shapes_dir_that_is_not_a_directory(tmp_path):
    # The package reads CONVLAB_SHAPES_DIR when imported: set before, in a process of its own.
    missing = str(tmp_path / "none")
    script = ("import convlab\n"
              "try:\n"
              f"    convlab.validate('naive', '{P}', 'fwd', threads=1)\n"
              "except ValueError as e:\n"
              "    print(e)\n")
    env = dict(os.environ, CONVLAB_SHAPES_DIR=missing, PYTHONPATH=os.pathsep.join(sys.path))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"CONVLAB_SHAPES_DIR: got '{missing}', expected a directory"), result.stdout


@pytest.mark.parametrize("threads", [0, -1, 4097, 10**20])
def test_a_bad_thread_count_names_the_value_and_the_range(threads):
    p, x, w = inputs()
    with pytest.raises(ValueError, match=f"threads: got '{threads}', expected a whole number of threads from 1 to 4096"):
        convlab.forward(p, x, w, threads=threads)
