"""The numpy examples (examples/): each method passes the checker in every
direction on problems with stride, padding (also negative at the bottom),
dilation and groups; compare_numpy.py prints its table on a tiny problem;
train_tutorial.py trains, prints and draws on a few steps."""

import sys

import pytest

import convlab
from conftest import EXAMPLES

sys.path.insert(0, str(EXAMPLES))
import compare_numpy  # noqa: E402
import numpy_im2col  # noqa: E402
import numpy_loops  # noqa: E402
import numpy_strided  # noqa: E402
import train_tutorial  # noqa: E402

PROBLEMS = [
    "mb2ic3ih7oc4kh3ph1",
    "mb2ic3ih11iw10oc4oh5ow4kh3kw2sh2sw3ph1pw2dh1dw0",  # the strided_padded_dilated golden case
    "g2mb2ic4ih7oc6kh3ph1",
    "mb1ic2ih8oc3kh3sh3ph0",  # stride remainder: rows no window reaches
    "mb1ic2ih9oc2oh3kh3sh2ph2",  # bottom padding -2
    "mb2ic2ih6oc2kh1",
]


@pytest.mark.parametrize("module", [numpy_im2col, numpy_strided, numpy_loops], ids=lambda m: m.__name__)
@pytest.mark.parametrize("descriptor", PROBLEMS)
@pytest.mark.parametrize("direction", ["fwd", "bwd_d", "bwd_w"])
def test_every_method_passes(module, descriptor, direction):
    p = convlab.Problem(descriptor)
    fn = compare_numpy.callables(module, p)[direction]
    r = convlab.validate(fn, p, direction, label=module.__name__)
    assert r.verdict == "PASSED", str(r)


def test_compare_numpy_prints_the_table(capsys):
    status = compare_numpy.main(["--problem", 'mb1ic2ih5oc2kh3ph1n"tiny"', "--min-time", "0.005",
                                 "--repetitions", "1"])
    out = capsys.readouterr().out
    assert status == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["problem", "direction", "algorithm", "verdict", "median", "ms", "GFLOP/s"]
    for method in ["numpy_im2col", "numpy_strided", "numpy_loops", "im2col_gemm"]:
        for direction in ["fwd", "bwd_d", "bwd_w"]:
            assert any(line.split()[1:4] == [direction, method, "PASSED"] for line in lines[2:]), (method, direction)


def test_train_tutorial_prints_and_draws(capsys, tmp_path):
    plot = tmp_path / "curves.png"
    status = train_tutorial.main(["--steps", "3", "--algo", "im2col_gemm", "--algo", "reference", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert status == 0, out
    lines = out.splitlines()
    header = next(k for k, line in enumerate(lines) if line.split()[:2] == ["step", "float64"])
    assert lines[header].split()[2:] == ["im2col_gemm", "reference"]
    steps = [line.split() for line in lines[header + 1:header + 4]]
    assert [row[0] for row in steps] == ["0", "1", "2"]
    assert float(steps[2][1]) < float(steps[0][1])  # the double run's loss falls
    assert plot.stat().st_size > 1000
