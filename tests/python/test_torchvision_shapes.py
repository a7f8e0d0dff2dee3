"""scripts/make_torchvision_shapes.py and the set it made, shapes/torchvision:
each model's comment line agrees with its layer lines, the whole set reads back
as problems, two cheap models (a detection and a video model) regenerate the
committed lines exactly, and the detection heads have the sizes their
published architectures give (written down by hand here, not read from torch)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import convlab

if os.environ.get("CONVLAB_SANITIZED"):
    pytest.skip("the sanitizer build leaves libtorch out (tests/CMakeLists.txt)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_torchvision_shapes.py"
SET = ROOT / "shapes" / "torchvision"
MODEL_LINE = re.compile(r"^# (\w+), (.*): (\d+) distinct of (\d+) convolutions(?:, (\d+) of them unsupported)?$")


def sections(text):
    """model -> (its comment line's match, its layer lines)."""
    out, current = {}, None
    for line in text.splitlines():
        match = MODEL_LINE.match(line)
        if match:
            current = match.group(1)
            out[current] = (match, [])
        elif current and line and not line.startswith("#"):
            out[current][1].append(line)
    return out


def count(line):
    weight = re.search(r'\*(\d+)"$', line)
    return int(weight.group(1)) if weight else 1


def is_3d(line):
    return "_id" in line


@pytest.fixture(scope="module")
def committed():
    return sections(SET.read_text())


def test_every_model_is_in_the_set_or_listed_as_skipped(committed):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import make_torchvision_shapes as script
    finally:
        sys.path.pop(0)
    skipped = next(line for line in SET.read_text().splitlines() if line.startswith("# Skipped"))
    everything = script.CLASSIFICATION + script.SEGMENTATION + script.DETECTION + script.VIDEO
    missing = [name for name in everything if name not in committed and f"{name} (" not in skipped]
    assert missing == []
    assert len(script.DETECTION) == 12 and len(script.VIDEO) == 6  # torchvision 0.14's builders


def test_each_model_line_agrees_with_its_layers(committed):
    for name, (match, lines) in committed.items():
        distinct, calls, unsupported = int(match.group(3)), int(match.group(4)), int(match.group(5) or 0)
        assert len(lines) == distinct, name
        assert sum(count(line) for line in lines) == calls, name
        assert sum(is_3d(line) for line in lines) == unsupported, name


def test_the_set_reads_back_and_3d_lines_are_not_problems(committed):
    lines = [line for _, body in committed.values() for line in body]
    problems = convlab.shape_set(str(SET))
    assert len(problems) == sum(not is_3d(line) for line in lines)
    assert sum(is_3d(line) for line in lines) > 0  # the video models' Conv3d layers


def layer(lines, name):
    return [line for line in lines if f':{name}"' in line or f':{name}*' in line]


def test_ssd300_heads_have_the_published_sizes(committed):
    # SSD300 (Liu et al. 2016) on VGG-16: six feature maps, 38 19 10 5 3 1 pixels wide, of
    # 512 1024 512 256 256 256 channels, with 4 6 6 6 4 4 default boxes per pixel; torchvision's
    # heads are 3x3 pad-1 convolutions scoring 91 COCO classes and 4 box offsets per box.
    match, lines = committed["ssd300_vgg16"]
    assert "resized to 1x3x300x300" in match.group(2)
    for i, (size, channels, boxes) in enumerate(zip((38, 19, 10, 5, 3, 1), (512, 1024, 512, 256, 256, 256),
                                                    (4, 6, 6, 6, 4, 4))):
        for head, per_box in (("classification_head", 91), ("regression_head", 4)):
            [line] = layer(lines, f"head.{head}.module_list.{i}")
            want = (f"g1mb1ic{channels}_ih{size}_iw{size}_oc{per_box * boxes}_oh{size}_ow{size}"
                    "_kh3_kw3_sh1_sw1_ph1_pw1_dh0_dw0_")
            assert line.startswith(want), (line, want)


def test_mask_rcnn_sees_the_resized_image_and_runs_its_mask_head_on_100_boxes(committed):
    # A 480x640 image scaled so its short side is 800 (long side 1066.7, under 1333), padded
    # to a multiple of 32: 800x1088. The stem halves it (400x544). The mask head: four 3x3
    # 256-channel convolutions on 14x14 RoIAlign crops of box_detections_per_img = 100 boxes.
    match, lines = committed["maskrcnn_resnet50_fpn"]
    assert "resized to 1x3x800x1088" in match.group(2)
    [stem] = layer(lines, "backbone.body.conv1")
    assert stem.startswith("g1mb1ic3_ih800_iw1088_oc64_oh400_ow544_kh7_kw7_sh2_sw2_ph3_pw3_")
    [mask] = layer(lines, "roi_heads.mask_head.0.0")
    assert mask.startswith("g1mb100ic256_ih14_iw14_oc256_oh14_ow14_kh3_kw3_") and count(mask) == 4


def run_script(*models):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH")])))
    return subprocess.run([sys.executable, str(SCRIPT), *models], capture_output=True, text=True, env=env,
                          timeout=600)


def test_a_detection_and_a_video_model_regenerate_the_committed_lines(committed):
    pytest.importorskip("torchvision")
    result = run_script("ssdlite320_mobilenet_v3_large", "r3d_18")
    assert result.returncode == 0, result.stderr
    fresh = sections(result.stdout)
    assert list(fresh) == ["ssdlite320_mobilenet_v3_large", "r3d_18"]
    for name in fresh:
        assert fresh[name][0].group(0) == committed[name][0].group(0)
        assert fresh[name][1] == committed[name][1]
    assert all(is_3d(line) for line in fresh["r3d_18"][1])  # r3d_18 is Conv3d throughout


def test_an_unknown_model_is_one_error_line_and_status_2():
    result = run_script("resnet18", "no_such_net")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["make_torchvision_shapes.py: unknown model(s) no_such_net"]
