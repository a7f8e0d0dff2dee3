"""convlab.layers_from_torch and `python3 -m convlab.layers`: the extracted
problems are checked against torch itself (the module's output on random data
equals convlab's reference on the extracted problem, weights copied), and the
layer lists of two torchvision models against counts written down by hand
from their published architectures."""

import functools
import os
import subprocess
import sys

import numpy as np
import pytest

import convlab

if os.environ.get("CONVLAB_SANITIZED"):
    # libtorch is not instrumented, and the ASan runtime preloaded into python3 would judge its own
    # allocations; what this file tests is the extraction, which the Release build runs.
    pytest.skip("the sanitizer build leaves libtorch out (tests/CMakeLists.txt)", allow_module_level=True)
torch = pytest.importorskip("torch")
nn = torch.nn


class Small(nn.Module):
    """Groups, dilation, "same" with an even kernel (asymmetric padding),
    "valid", odd sizes, and a block of three identical convolutions."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=4, bias=False)
        self.dilated = nn.Conv2d(8, 6, 3, padding=(2, 3), dilation=(2, 3))
        self.same = nn.Conv2d(6, 4, (4, 2), padding="same", dilation=(1, 3))
        self.valid = nn.Conv2d(4, 4, (3, 5), stride=(1, 2), padding="valid")
        self.block = nn.Sequential(*[nn.Conv2d(4, 4, 3, padding=1) for _ in range(3)])

    def forward(self, x):
        return self.block(self.valid(self.same(self.dilated(self.grouped(self.stem(x))))))


class Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.strided = nn.Conv1d(4, 8, 5, stride=2, padding=3, dilation=2, groups=2)
        self.same = nn.Conv1d(8, 8, 4, padding="same")

    def forward(self, x):
        return self.same(self.strided(x))


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.volume = nn.Conv3d(2, 4, 3, padding=1)
        self.reflect = nn.Conv2d(4, 4, 3, padding=1, padding_mode="reflect")

    def forward(self, x):
        return self.reflect(self.volume(x).sum(dim=2))


def extracted(model, shape):
    return convlab.layers_from_torch(model, torch.zeros(shape))


def assert_matches_torch(model, layers):
    """Every supported layer: convlab's reference on its problem equals the
    torch module (first occurrence) on the same random data."""
    rng = np.random.default_rng(7)
    for layer, problem in zip([l for l in layers.layers if l.supported], layers.problems()):
        module = model.get_submodule(layer.name)
        x = rng.standard_normal(problem.shape("x")).astype(np.float32)
        w = module.weight.detach().numpy()
        torch_x = torch.from_numpy(x)
        if isinstance(module, nn.Conv1d):
            torch_x, w = torch_x[:, :, 0, :], w[:, :, None, :]
        b = None if module.bias is None else module.bias.detach().numpy()
        with torch.no_grad():
            expected = module(torch_x).numpy().reshape(problem.shape("y"))
        got = convlab.forward(problem, x, w, b, algo="reference")
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4, err_msg=f"{layer.name}: {problem}")


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_groups_dilation_same_valid_and_a_folded_block():
    model = Small()
    layers = extracted(model, (2, 3, 17, 15))
    assert [(l.name, l.count) for l in layers.layers] == [
        ("stem", 1), ("grouped", 1), ("dilated", 1), ("same", 1), ("valid", 1), ("block.0", 3)]
    stem, grouped, dilated, same, valid, block = layers.problems()
    assert (stem.mb, stem.ic, stem.ih, stem.iw, stem.oh, stem.ow, stem.sh, stem.ph) == (2, 3, 17, 15, 9, 8, 2, 1)
    assert grouped.g == 4
    assert (dilated.dh, dilated.dw, dilated.ph, dilated.pw) == (1, 2, 2, 3)
    # "same" with kernel 4 pads 1 on top and 2 below; width: 3*(2-1) = 3 -> 1 left, 2 right.
    assert (same.ph, same.pw, same.oh, same.ow, same.ih, same.iw) == (1, 1, 9, 8, 9, 8)
    assert (valid.ph, valid.pw, valid.sw) == (0, 0, 2)
    assert (block.weight, block.name) == (3, "block.0")
    assert layers.unsupported() == []
    assert_matches_torch(model, layers)


def test_conv1d_is_the_2d_case_with_one_row():
    model = Sequence()
    layers = extracted(model, (3, 4, 23))
    strided, same = layers.problems()
    assert (strided.ih, strided.kh, strided.oh, strided.g) == (1, 1, 1, 2)
    assert (strided.iw, strided.kw, strided.sw, strided.pw, strided.dw, strided.ow) == (23, 5, 2, 3, 1, 11)
    assert (same.pw, same.ow) == (1, 11)
    assert_matches_torch(model, layers)


def test_conv3d_and_reflect_padding_are_reported_unsupported(tmp_path):
    layers = extracted(Unsupported(), (1, 2, 5, 6, 6))
    assert [(l.name, l.reason) for l in layers.unsupported()] == [
        ("volume", "3-D convolution"), ("reflect", 'padding_mode="reflect": convlab pads with zeros')]
    assert layers.problems() == []
    text = layers.shape_file("a model")
    assert text.startswith("# a model\n")
    path = tmp_path / "unsupported.shapes"
    path.write_text(text)
    # The 3-D line stays a descriptor (convlab reports it), the reflect line a comment.
    assert convlab.shape_set(str(path)) == []
    assert any(line.startswith("# unsupported (padding_mode") for line in text.splitlines())


def test_shape_file_reads_back_as_the_same_problems(tmp_path):
    layers = extracted(Small(), (2, 3, 17, 15))
    path = tmp_path / "small.shapes"
    path.write_text(layers.shape_file())
    assert convlab.shape_set(str(path)) == layers.problems()
    assert [p.weight for p in convlab.shape_set(str(path))] == [1, 1, 1, 1, 1, 3]


def key(p):
    return (p.g, p.ic, p.ih, p.oc, p.oh, p.kh, p.sh)


# (g, ic, ih, oc, oh, kh, sh): count, from the published architectures (padding is kh // 2 throughout).
RESNET50_TORCHVISION = {
    (1, 3, 224, 64, 112, 7, 2): 1,
    (1, 64, 56, 64, 56, 1, 1): 1, (1, 64, 56, 64, 56, 3, 1): 3, (1, 64, 56, 256, 56, 1, 1): 4,
    (1, 256, 56, 64, 56, 1, 1): 2,
    (1, 256, 56, 128, 56, 1, 1): 1, (1, 128, 56, 128, 28, 3, 2): 1, (1, 128, 28, 512, 28, 1, 1): 4,
    (1, 256, 56, 512, 28, 1, 2): 1, (1, 512, 28, 128, 28, 1, 1): 3, (1, 128, 28, 128, 28, 3, 1): 3,
    (1, 512, 28, 256, 28, 1, 1): 1, (1, 256, 28, 256, 14, 3, 2): 1, (1, 256, 14, 1024, 14, 1, 1): 6,
    (1, 512, 28, 1024, 14, 1, 2): 1, (1, 1024, 14, 256, 14, 1, 1): 5, (1, 256, 14, 256, 14, 3, 1): 5,
    (1, 1024, 14, 512, 14, 1, 1): 1, (1, 512, 14, 512, 7, 3, 2): 1, (1, 512, 7, 2048, 7, 1, 1): 3,
    (1, 1024, 14, 2048, 7, 1, 2): 1, (1, 2048, 7, 512, 7, 1, 1): 2, (1, 512, 7, 512, 7, 3, 1): 2,
}

MOBILENET_V2 = {
    (1, 3, 224, 32, 112, 3, 2): 1,
    (32, 32, 112, 32, 112, 3, 1): 1, (1, 32, 112, 16, 112, 1, 1): 1,  # t=1 block: no expansion
    (1, 16, 112, 96, 112, 1, 1): 1, (96, 96, 112, 96, 56, 3, 2): 1, (1, 96, 56, 24, 56, 1, 1): 1,
    (1, 24, 56, 144, 56, 1, 1): 2, (144, 144, 56, 144, 56, 3, 1): 1, (1, 144, 56, 24, 56, 1, 1): 1,
    (144, 144, 56, 144, 28, 3, 2): 1, (1, 144, 28, 32, 28, 1, 1): 1,
    (1, 32, 28, 192, 28, 1, 1): 3, (192, 192, 28, 192, 28, 3, 1): 2, (1, 192, 28, 32, 28, 1, 1): 2,
    (192, 192, 28, 192, 14, 3, 2): 1, (1, 192, 14, 64, 14, 1, 1): 1,
    (1, 64, 14, 384, 14, 1, 1): 4, (384, 384, 14, 384, 14, 3, 1): 4, (1, 384, 14, 64, 14, 1, 1): 3,
    (1, 384, 14, 96, 14, 1, 1): 1,
    (1, 96, 14, 576, 14, 1, 1): 3, (576, 576, 14, 576, 14, 3, 1): 2, (1, 576, 14, 96, 14, 1, 1): 2,
    (576, 576, 14, 576, 7, 3, 2): 1, (1, 576, 7, 160, 7, 1, 1): 1,
    (1, 160, 7, 960, 7, 1, 1): 3, (960, 960, 7, 960, 7, 3, 1): 3, (1, 960, 7, 160, 7, 1, 1): 2,
    (1, 960, 7, 320, 7, 1, 1): 1, (1, 320, 7, 1280, 7, 1, 1): 1,
}


@functools.lru_cache(maxsize=None)
def torchvision_layers(name):
    torchvision = pytest.importorskip("torchvision")
    model = getattr(torchvision.models, name)(weights=None)
    return convlab.layers_from_torch(model, torch.zeros(1, 3, 224, 224))


@pytest.mark.parametrize("name, expected", [("resnet50", RESNET50_TORCHVISION), ("mobilenet_v2", MOBILENET_V2)])
def test_torchvision_models_against_their_published_architectures(name, expected):
    problems = torchvision_layers(name).problems()
    got = {key(p): p.weight for p in problems}
    assert len(got) == len(problems), "two distinct layers with the same geometry key"
    assert got == expected
    assert all(p.mb == 1 and p.ih == p.iw and p.ph == p.kh // 2 for p in problems)


def test_torchvision_resnet50_strides_the_3x3_where_the_bundled_caffe_set_strides_the_1x1():
    torchvision = {key(p): (p.name, p.weight) for p in torchvision_layers("resnet50").problems()}
    bundled = {key(p): (p.name, p.weight) for p in convlab.shape_set("resnet_50")}
    only_torchvision = sorted(name for k, (name, _) in torchvision.items() if k not in bundled)
    only_bundled = sorted(name for k, (name, _) in bundled.items() if k not in torchvision)
    # v1.5: the first block of stages 2-4 reduces at full resolution, then strides the 3x3.
    assert only_torchvision == ["layer2.0.conv1", "layer2.0.conv2", "layer3.0.conv1", "layer3.0.conv2",
                                "layer4.0.conv1", "layer4.0.conv2"]
    # Caffe's ResNet-50 strides the reducing 1x1 (its 3x3 layers are all stride 1).
    assert only_bundled == ["resnet_50:res3a_branch2a", "resnet_50:res4a_branch2a", "resnet_50:res5a_branch2a"]
    # So the stride-1 3x3 of those stages occurs once less in torchvision's.
    for caffe, torch_name in [("res3a_branch2b", "layer2.1.conv2"), ("res4a_branch2b", "layer3.1.conv2"),
                              ("res5a_branch2b", "layer4.1.conv2")]:
        shared = next(k for k, (name, _) in bundled.items() if name == "resnet_50:" + caffe)
        assert torchvision[shared] == (torch_name, bundled[shared][1] - 1)


@pytest.mark.parametrize("name", ["resnet50", "mobilenet_v2"])
def test_the_bundled_torchvision_set_is_what_the_extraction_gives_today(name):
    extracted = [str(p) for p in torchvision_layers(name).problems()]
    bundled = [str(p) for p in convlab.shape_set("torchvision") if p.name.startswith(name + ":")]
    assert [b.replace(f'n"{name}:', 'n"') for b in bundled] == extracted


def run_command(*args, extra_path=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [extra_path, env.get("PYTHONPATH")] if p)
    return subprocess.run([sys.executable, "-m", "convlab.layers", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_command_on_a_users_file(tmp_path):
    (tmp_path / "my_model.py").write_text(
        "import torch.nn as nn\n"
        "def build():\n"
        "    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=1),"
        " nn.Conv2d(8, 8, 3, padding=1))\n")
    result = run_command(f"{tmp_path}/my_model.py:build", "--input", "4,3,10,12")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "my_model.shapes"
    path.write_text(result.stdout)
    assert [str(p) for p in convlab.shape_set(str(path))] == [
        str(convlab.Problem('mb4ic3ih10iw12oc8kh3kw3ph1pw1n"build:0"')),
        str(convlab.Problem('mb4ic8ih10iw12oc8kh3kw3ph1pw1n"build:1*2"'))]
    # The same model as module.path:callable.
    as_module = run_command("my_model:build", "--input", "4,3,10,12", extra_path=str(tmp_path)).stdout
    assert descriptors(as_module) == descriptors(result.stdout) != []


def test_command_on_torchvision_mobilenet_v2_gives_the_published_counts(tmp_path):
    pytest.importorskip("torchvision")
    result = run_command("torchvision:mobilenet_v2", "--input", "1,3,224,224")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "mobilenet_v2.shapes"
    path.write_text(result.stdout)
    assert {key(p): p.weight for p in convlab.shape_set(str(path))} == MOBILENET_V2


def descriptors(shape_file_text):
    return [line for line in shape_file_text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("args, message", [
    (["torchvision:no_such_model", "--input", "1,3,224,224"], "no model builder"),
    (["no_colon", "--input", "1,3,8,8"], "expected torchvision:NAME"),
    (["no_such_module_here:build", "--input", "1,3,8,8"], "cannot import"),
    (["torchvision:resnet18", "--input", "1,3,x"], "--input"),
    (["torchvision:resnet18", "--input", "1,5,32,32"], "forward pass"),  # 5 channels into a 3-channel stem
])
def test_bad_specs_and_inputs_exit_2_with_one_line(args, message):
    pytest.importorskip("torchvision")
    result = run_command(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr


def test_without_torchvision_the_message_says_to_install_it(tmp_path):
    # A torchvision that cannot be imported, ahead of the real one on the path.
    (tmp_path / "torchvision").mkdir()
    (tmp_path / "torchvision" / "__init__.py").write_text("raise ImportError('no torchvision here')\n")
    result = run_command("torchvision:resnet18", "--input", "1,3,224,224", extra_path=str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "python3-torchvision" in result.stderr


def test_import_convlab_does_not_import_torch():
    code = "import sys, convlab; assert 'torch' not in sys.modules; convlab.layers_from_torch; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
