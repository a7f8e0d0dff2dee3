"""convlab.Problem, shape_set, algorithms and __version__, against the
command line's own answers."""

import csv
import json
import pickle
import subprocess

import pytest

import convlab


def test_attributes_follow_the_descriptor():
    p = convlab.Problem('g2mb3ic4ih9iw7oc6kh3kw2sh2sw1ph1pw0dh1dw0n"layer"')
    assert (p.g, p.mb, p.ic, p.ih, p.iw, p.oc) == (2, 3, 4, 9, 7, 6)
    assert (p.kh, p.kw, p.sh, p.sw, p.ph, p.pw, p.dh, p.dw) == (3, 2, 2, 1, 1, 0, 1, 0)
    # dh counts the zeros between taps: the kernel spans 5 rows, so oh = (9 + 2 - 5) // 2 + 1.
    assert (p.oh, p.ow) == (4, 6)
    assert p.name == "layer"
    assert p.flops() == 2 * 3 * 6 * 4 * 6 * 2 * 3 * 2


def test_useful_flops_leave_out_the_padding_taps():
    # 3x3 pad 1 on 4x4: per axis 2 + 3 + 3 + 2 = 10 of the 12 (output, tap) pairs fall inside the input.
    p = convlab.Problem("mb1ic1ih4oc1oh4kh3ph1")
    assert p.flops() == 2 * 12 * 12
    assert p.useful_flops() == 2 * 10 * 10


def test_str_is_the_canonical_descriptor_and_parses_back():
    p = convlab.Problem("mb2ic16ih8oc16kh3ph1")
    assert convlab.Problem(str(p)) == p
    assert repr(p) == f"convlab.Problem('{p}')"
    assert pickle.loads(pickle.dumps(p)) == p
    assert hash(p) == hash(convlab.Problem(str(p)))
    assert p != convlab.Problem("mb2ic16ih8oc16kh3ph0")


def test_shapes():
    p = convlab.Problem("g2mb3ic4ih9oc6kh3sh2ph1")
    assert p.shape("x") == (3, 4, 9, 9)
    assert p.shape("w") == (6, 2, 3, 3)
    assert p.shape("b") == (6,)
    assert p.shape("y") == (3, 6, 5, 5)
    assert p.shape("dy") == p.shape("y") and p.shape("dx") == p.shape("x")
    with pytest.raises(ValueError, match="no tensor 'q'"):
        p.shape("q")


def test_attributes_are_read_only():
    p = convlab.Problem("mb2ic16ih8oc16kh3ph1")
    with pytest.raises(AttributeError):
        p.mb = 4
    assert p.with_mb(4).mb == 4 and p.with_mb(4).oh == p.oh


@pytest.mark.parametrize("descriptor", ["mb2ic16ih8oc16kh3ph1x", "mb0ic16ih8oc16kh3", "ic4ih2oc4kh5", "", "zz"])
def test_a_bad_descriptor_is_a_value_error_with_the_command_lines_message(descriptor, convlab_executable):
    with pytest.raises(ValueError) as raised:
        convlab.Problem(descriptor)
    cli = subprocess.run([convlab_executable, "validate", "--problem", descriptor], capture_output=True, text=True)
    assert cli.returncode == 2
    assert cli.stderr.strip() == f"convlab: error: {raised.value}"


def test_a_problem_argument_is_a_problem_or_a_string():
    with pytest.raises(TypeError, match="descriptor string"):
        convlab.validate("naive", 42, "fwd")


def test_shape_set_reads_the_bundled_sets():
    resnet = convlab.shape_set("resnet_50")
    assert len(resnet) > 10 and all(isinstance(p, convlab.Problem) for p in resnet)
    assert any(p.name.endswith(":res3a_branch2b") for p in resnet)
    with pytest.raises(ValueError, match="no shape file 'no_such_set'"):
        convlab.shape_set("no_such_set")


# Each class worked out by hand from the rule in algorithms/problem.hpp.
CLASSES = {"mb1ic3ih16oc4kh7sh2ph3": "7x7_stem",       # 7x7 on 3 input channels
           "mb1ic8ih16oc8kh7ph3": "large_kernel",      # 7x7 on 8: not an image's first layer
           "mb1g4ic4ih8oc4kh3ph1": "depthwise",
           "mb1ic4ih8oc8kh1sh2": "1x1_s2",
           "mb1ic4ih8oc4kh3dh1ph2": "other"}            # dilated


def test_layer_class_is_the_csvs(convlab_executable, tmp_path):
    out = tmp_path / "v.csv"
    args = [convlab_executable, "validate", "--algo", "naive", "--dir", "fwd", "--csv", str(out)]
    for descriptor in CLASSES:
        args += ["--problem", descriptor]
    subprocess.run(args, capture_output=True, text=True, check=True)
    with open(out, newline="") as f:
        from_csv = {convlab.Problem(r["descriptor"]): r["layer_class"] for r in csv.DictReader(f)}
    for descriptor, expected in CLASSES.items():
        assert convlab.Problem(descriptor).layer_class() == expected, descriptor
        assert from_csv[convlab.Problem(descriptor)] == expected, descriptor


def test_algorithms_are_those_of_convlab_list(convlab_executable):
    cli = json.loads(subprocess.run([convlab_executable, "list", "--json"], capture_output=True, text=True,
                                    check=True).stdout)
    assert convlab.algorithms() == cli
    first = convlab.algorithms()[0]
    for key in ["name", "family", "description", "directions", "exact", "tolerance", "baseline", "slow"]:
        assert key in first
    names = [a["name"] for a in convlab.algorithms()]
    assert "im2col_gemm" in names and names[-1] == "reference"


def test_version_is_the_commands(convlab_executable):
    cli = subprocess.run([convlab_executable, "--version"], capture_output=True, text=True, check=True).stdout
    assert cli.strip() == f"convlab {convlab.__version__}"
