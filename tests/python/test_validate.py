"""convlab.validate on registered algorithms and on Python callables: right
ones pass, deliberately wrong ones fail naming the worst element, and a
callable that raises or returns the wrong thing fails saying so."""

import re
import sys

import numpy as np
import pytest

import convlab
from conftest import EXAMPLES

sys.path.insert(0, str(EXAMPLES))
import numpy_strided  # noqa: E402

P = convlab.Problem("mb2ic4ih8oc6kh3ph1")
WORST = re.compile(r"^(y|dx|dw|db)\[\d+(,\d+)*\] got \S+ expected \S+$")


@pytest.mark.parametrize("direction", ["fwd", "bwd_d", "bwd_w"])
def test_a_registered_algorithm_passes_with_its_contract(direction):
    r = convlab.validate("im2col_gemm", P, direction)
    assert r.verdict == "PASSED" and r.passed and r.reason == ""
    assert r.exact is True and r.tolerance == 1e-5
    assert r.max_rel_err <= 1e-5 and WORST.match(r.worst)
    assert r.algorithm == "im2col_gemm" and r.direction == direction and r.problem == str(P)
    assert str(r).startswith("PASSED")


def test_a_declined_problem_is_skipped_with_the_reason():
    r = convlab.validate("winograd_f2x3", "mb2ic4ih8oc6kh1", "fwd")
    assert r.verdict == "SKIPPED" and r.reason.startswith("winograd_f2x3: ")


def test_tolerance_overrides_a_registered_algorithms():
    assert convlab.validate("im2col_gemm", P, "fwd", tolerance=1e-3).tolerance == 1e-3


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown algorithm 'nope'"):
        convlab.validate("nope", P, "fwd")
    with pytest.raises(ValueError, match="sideways"):
        convlab.validate("naive", P, "sideways")
    with pytest.raises(TypeError, match="algorithm name or a callable"):
        convlab.validate(3, P, "fwd")
    with pytest.raises(ValueError, match="for callables"):
        convlab.validate("naive", P, "fwd", exact=True)
    with pytest.raises(ValueError, match="tolerance"):
        convlab.validate(lambda x, w, b: x, P, "fwd", tolerance=-1)


def good(direction, p=P):
    return {"fwd": lambda x, w, b: numpy_strided.forward(p, x, w, b),
            "bwd_d": lambda dy, w: numpy_strided.backward_data(p, dy, w),
            "bwd_w": lambda x, dy: numpy_strided.backward_weights(p, x, dy)}[direction]


@pytest.mark.parametrize("direction", ["fwd", "bwd_d", "bwd_w"])
def test_a_right_callable_passes_with_the_callable_contract(direction):
    r = convlab.validate(good(direction), P, direction, seed=7)
    assert r.verdict == "PASSED", str(r)
    assert r.exact is False and r.tolerance == 1e-5


def test_a_callable_may_return_float64():
    r = convlab.validate(lambda x, w, b: good("fwd")(x, w, b).astype(np.float64), P, "fwd")
    assert r.verdict == "PASSED", str(r)


def assert_failed_naming(r, tensor):
    assert r.verdict == "FAILED", str(r)
    assert WORST.match(r.worst) and r.worst.startswith(tensor + "["), r.worst
    assert r.max_rel_err > 1e-5


def test_off_by_one_padding_fails():
    # Top padding 0 and bottom 2 instead of 1 and 1: the same output shape, shifted by a row.
    shifted = convlab.Problem("mb2ic4ih8oc6oh8kh3ph0")
    assert shifted.shape("y") == P.shape("y")
    assert_failed_naming(convlab.validate(good("fwd", shifted), P, "fwd"), "y")


def test_transposed_weights_fail():
    r = convlab.validate(lambda dy, w: good("bwd_d")(dy, np.ascontiguousarray(w.transpose(0, 1, 3, 2))), P, "bwd_d")
    assert_failed_naming(r, "dx")


def test_a_gradient_divided_by_the_minibatch_fails():
    def averaged(x, dy):
        dw, db = good("bwd_w")(x, dy)
        return dw / P.mb, db / P.mb
    assert_failed_naming(convlab.validate(averaged, P, "bwd_w"), "dw")


def test_a_wrong_bias_gradient_alone_fails_naming_db():
    def no_bias(x, dy):
        dw, db = good("bwd_w")(x, dy)
        return dw, db + 1
    assert_failed_naming(convlab.validate(no_bias, P, "bwd_w"), "db")


def test_a_raising_callable_fails_with_the_exception_text():
    def broken(x, w, b):
        raise ZeroDivisionError("no luck")
    r = convlab.validate(broken, P, "fwd")
    assert r.verdict == "FAILED"
    assert "broken raised ZeroDivisionError: no luck" in r.reason


@pytest.mark.parametrize("result, message", [
    (lambda x, w, b: np.zeros((2, 6, 8, 7), np.float32), r"returned y of shape \(2, 6, 8, 7\), expected \(2, 6, 8, 8\)"),
    (lambda x, w, b: None, "returned y of dtype object"),
    (lambda x, w, b: "y", "returned y of dtype <U1"),
    (lambda x, w, b: np.zeros(P.shape("y"), np.int64), "returned y of dtype int64"),
])
def test_a_wrong_result_fails_saying_what_is_wrong(result, message):
    r = convlab.validate(result, P, "fwd", label="wrong")
    assert r.verdict == "FAILED" and re.search(message, r.reason), r.reason


def test_backward_weights_must_return_a_pair():
    r = convlab.validate(lambda x, dy: good("bwd_w")(x, dy)[0], P, "bwd_w", label="single")
    assert r.verdict == "FAILED" and "expected a pair (dw, db)" in r.reason


def test_inputs_are_read_only_and_may_not_be_kept():
    r = convlab.validate(lambda x, w, b: x.fill(0), P, "fwd", label="writer")
    assert r.verdict == "FAILED" and "read-only" in r.reason
    kept = []
    r = convlab.validate(lambda x, w, b: (kept.append(x), good("fwd")(x, w, b))[1], P, "fwd", label="keeper")
    assert r.verdict == "FAILED" and "kept a reference" in r.reason


def test_the_tolerance_and_exactness_of_a_callable_are_settable():
    def half(x, w, b):
        return good("fwd")(x.astype(np.float16), w.astype(np.float16), b.astype(np.float16)).astype(np.float32)
    assert convlab.validate(half, P, "fwd").verdict == "FAILED"
    assert convlab.validate(half, P, "fwd", tolerance=2e-2).verdict == "PASSED"
    # Exactness asked for: a rounding of the integer pass fails it.
    off = lambda x, w, b: good("fwd")(x, w, b) + np.float32(1e-3)  # noqa: E731
    assert convlab.validate(off, P, "fwd", tolerance=1e-2).verdict == "PASSED"
    r = convlab.validate(off, P, "fwd", tolerance=1e-2, exact=True)
    assert r.verdict == "FAILED" and "differ from the exact reference" in r.reason
