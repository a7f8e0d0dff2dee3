"""convlab.train: the float64 yardstick passes the checker; the tutorial's
layer converges through every algorithm that runs it, within the bound
convlab.training.loss_bound derives from the float32 reference's own run;
a gradient made wrong on purpose does not, and the check says so; depth 2
sends the first layer's gradient through the second's bwd_d."""

import sys

import numpy as np
import pytest

import convlab
from convlab import _double_conv, training
from conftest import EXAMPLES

sys.path.insert(0, str(EXAMPLES))
import train_tutorial  # noqa: E402

TUTORIAL = convlab.Problem(train_tutorial.TUTORIAL)
SEED = 0
# Enough steps for the float32 runs to reach their rounding floor (about
# 0.14x a step at lr = 1 / lambda_max, from 15 to below 1e-14).
STEPS = 30
LR = train_tutorial.auto_lr(TUTORIAL, SEED)


def as_callables(p):
    """The float64 convolution as validate()'s callables, float32 out."""
    return {"fwd": lambda x, w, b: _double_conv.forward(p, x, w, b).astype(np.float32),
            "bwd_d": lambda dy, w: _double_conv.backward_data(p, dy, w).astype(np.float32),
            "bwd_w": lambda x, dy: tuple(a.astype(np.float32) for a in _double_conv.backward_weights(p, x, dy))}


@pytest.mark.parametrize("descriptor", [
    "mb3ic3ih28oc4kh3",
    "mb2ic3ih11iw10oc4oh5ow4kh3kw2sh2sw3ph1pw2dh1dw0",
    "g2mb2ic4ih7oc6kh3ph1",
    "mb1ic2ih9oc2oh3kh3sh2ph2",  # bottom padding -2
])
@pytest.mark.parametrize("direction", ["fwd", "bwd_d", "bwd_w"])
def test_the_double_convolution_passes_the_checker(descriptor, direction):
    p = convlab.Problem(descriptor)
    r = convlab.validate(as_callables(p)[direction], p, direction, tolerance=1e-6, label="double_conv")
    assert r.passed, str(r)


@pytest.fixture(scope="module")
def float32_reference():
    return convlab.train(TUTORIAL, "reference", STEPS, LR, SEED)


def runnable():
    names, _ = train_tutorial.runnable(TUTORIAL)
    return names


@pytest.mark.parametrize("name", runnable())
def test_the_tutorial_converges(name, float32_reference):
    contract = {a["name"]: a for a in convlab.algorithms()}[name]
    try:
        run = convlab.train(TUTORIAL, name, STEPS, LR, SEED)
    except ValueError as e:
        pytest.skip(f"{name} declines the tutorial's layer: {e}")
    ok, message = training.check_converged(run, float32_reference, contract["tolerance"])
    assert ok, message
    assert run.first_divergent_step is None, (run.weight_divergence, message)


def test_the_float32_reference_follows_the_double_run(float32_reference):
    """Until the float32 floor, each float32 loss is the float64 one within
    float32's rounding (relative 1e-4: a hundred ulps of a 27-term sum)."""
    ref = float32_reference
    for got, want in zip(ref.losses, ref.reference_losses):
        if want < 1e-9:
            break
        assert got == pytest.approx(want, rel=1e-4)
    assert ref.final_loss < 1e-12 and ref.reference_final_loss < 1e-20


def flipped_bwd_w(x, dy):
    dw, db = _double_conv.backward_weights(TUTORIAL, x, dy)
    return (-dw).astype(np.float32), db.astype(np.float32)


def dropped_tap_bwd_w(x, dy):
    """dw without the top-left kernel tap: those weights never learn."""
    dw, db = _double_conv.backward_weights(TUTORIAL, x, dy)
    dw[:, :, 0, 0] = 0
    return dw.astype(np.float32), db.astype(np.float32)


@pytest.mark.parametrize("wrong", [flipped_bwd_w, dropped_tap_bwd_w], ids=lambda f: f.__name__)
def test_a_wrong_gradient_does_not_converge(wrong, float32_reference):
    run = convlab.train(TUTORIAL, {"bwd_w": wrong}, STEPS, LR, SEED)
    ok, message = training.check_converged(run, float32_reference, 1e-5)
    assert not ok, message
    assert "did NOT converge" in message
    assert run.first_divergent_step is not None


def test_a_right_callable_converges(float32_reference):
    """The same path as the wrong ones, with the gradient right: it is the
    wrongness the test above catches, not the callable path."""
    run = convlab.train(TUTORIAL, as_callables(TUTORIAL), STEPS, LR, SEED)
    ok, message = training.check_converged(run, float32_reference, 1e-6)
    assert ok, message


DEEP = convlab.Problem("mb2ic3ih10oc4kh3ph1")


def test_depth_two_follows_the_double_run():
    layers = training.layers_of(DEEP, depth=2)
    assert [str(p.ic) + "->" + str(p.oc) for p in layers] == ["3->4", "4->4"]
    run = convlab.train(DEEP, "reference", 10, 0.05, SEED, depth=2)
    assert run.first_divergent_step is None, run.weight_divergence
    assert run.losses[-1] < 0.5 * run.losses[0]


def test_depth_two_catches_a_wrong_backward_data():
    """bwd_d only matters for the first layer's gradient: flipped, the
    first layer's weights walk away from the double run's."""
    second = training.layers_of(DEEP, depth=2)[1]

    def flipped_bwd_d(dy, w):
        return (-_double_conv.backward_data(second, dy, w)).astype(np.float32)

    run = convlab.train(DEEP, {"bwd_d": flipped_bwd_d}, 10, 0.05, SEED, depth=2)
    assert run.first_divergent_step is not None, run.weight_divergence


def test_layers_must_chain():
    with pytest.raises(ValueError, match="does not take the output"):
        training.layers_of(["mb2ic3ih10oc4kh3", "mb2ic3ih8oc4kh3"])


def test_a_shared_double_run_must_be_of_the_same_training():
    reference = training.double_run(TUTORIAL, 3, LR, SEED)
    assert convlab.train(TUTORIAL, "reference", 3, LR, SEED, reference=reference).reference_losses == reference.losses
    with pytest.raises(ValueError, match="double run of another"):
        convlab.train(TUTORIAL, "reference", 3, LR / 2, SEED, reference=reference)


def test_the_study_script_writes_its_report(tmp_path, capsys):
    sys.path.insert(0, str(EXAMPLES.parent / "scripts"))
    import training_study

    out = tmp_path / "study.md"
    assert training_study.main(["--layer", "mb2ic3ih10oc4kh3ph1", "--steps", "2", "--algo", "direct",
                                "--algo", "winograd_f2x3", "--out", str(out)]) == 0
    text = out.read_text()
    assert "### mb2ic3oc4ih10oh10kh3ph1" in text
    assert "too few algorithms to rank" in text  # two algorithms: no ranking claimed
    rows = [line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == ["algorithm", "winograd_f2x3", "direct"]  # registry order


def test_the_study_says_whether_per_call_error_predicts_training():
    sys.path.insert(0, str(EXAMPLES.parent / "scripts"))
    import training_study
    from types import SimpleNamespace

    def rows(pairs):
        return [SimpleNamespace(per_call_error=e, weight_divergence=[0.0, d]) for e, d in pairs]

    same = rows([(1e-7, 1e-6), (2e-7, 3e-6), (5e-7, 4e-6), (9e-7, 8e-6), (2e-6, 9e-6), (4e-6, 2e-5)])
    assert "rho +1.00" in training_study.ranking_text(same)
    assert "predicts it" in training_study.ranking_text(same)
    reversed_ = rows([(1e-7, 2e-5), (2e-7, 9e-6), (5e-7, 8e-6), (9e-7, 4e-6), (2e-6, 3e-6), (4e-6, 1e-6)])
    assert "does not predict" in training_study.ranking_text(reversed_)
    assert "too few" in training_study.ranking_text(same[:2])
