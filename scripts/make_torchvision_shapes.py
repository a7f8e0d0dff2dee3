"""Writes shapes/torchvision: the distinct convolution layers of every
torchvision classification model, at mb 1 and its default input size, and of
the semantic segmentation models (cheap, and their dilated layers are rare
elsewhere), named MODEL:module.path with '*N' for N occurrences in that model.
Detection models (their own resizing transform, 800-pixel inputs) and video
models (Conv3d, which convlab does not run) are left out.

Run (Debian's python3-torch 1.13 and python3-torchvision 0.14, from a build
tree whose python/ holds the convlab module):

    PYTHONPATH=build/python /usr/bin/python3 scripts/make_torchvision_shapes.py > shapes/torchvision

Models are built without weights. The forward pass runs on the "meta" device
where torch supports every op of the model (only shapes are computed), else on
CPU zeros. Building the models (their random initialisation) is where the
time goes: 1.5 minutes of CPU, 2.5 minutes of wall time on 2 cores.
"""

import sys
import time

import torch
import torchvision
import torchvision.models as models
import torchvision.models.segmentation as segmentation

import convlab.layers

# torchvision 0.14's classification builders, by family (torchvision.models
# mixes them with helpers, and list_models is not in every 0.14 build).
CLASSIFICATION = [
    "alexnet",
    "convnext_tiny", "convnext_small", "convnext_base", "convnext_large",
    "densenet121", "densenet161", "densenet169", "densenet201",
    "efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4",
    "efficientnet_b5", "efficientnet_b6", "efficientnet_b7",
    "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
    "googlenet", "inception_v3", "maxvit_t",
    "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3",
    "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
    "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf", "regnet_x_16gf",
    "regnet_x_32gf",
    "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf", "regnet_y_16gf",
    "regnet_y_32gf", "regnet_y_128gf",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
    "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5", "shufflenet_v2_x2_0",
    "squeezenet1_0", "squeezenet1_1",
    "swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b",
    "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
    "vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14",
]

SEGMENTATION = ["fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101",
                "deeplabv3_mobilenet_v3_large", "lraspp_mobilenet_v3_large"]

# The input size each model's weights' transforms give; every other model takes 224.
INPUT_SIZE = {"inception_v3": 299, **{name: 520 for name in SEGMENTATION}}


def build(name):
    if name in SEGMENTATION:  # weights_backbone=None: the default would download ImageNet weights
        return getattr(segmentation, name)(weights=None, weights_backbone=None)
    kwargs = {"init_weights": False} if name in ("googlenet", "inception_v3") else {}  # skip scipy's slow init
    return getattr(models, name)(weights=None, **kwargs)


def extract(model, size):
    """On "meta" tensors when every op allows it (no arithmetic), else on CPU."""
    try:
        return convlab.layers.layers_from_torch(model.to("meta"), torch.zeros(1, 3, size, size, device="meta"))
    except (NotImplementedError, RuntimeError):
        return convlab.layers.layers_from_torch(model.to_empty(device="cpu"), torch.zeros(1, 3, size, size))


def main():
    lines, skipped = [], []
    for name in CLASSIFICATION + SEGMENTATION:
        started = time.time()
        try:
            model = build(name)
        except Exception as error:  # noqa: BLE001 - a builder this torchvision cannot run is reported, not fatal
            skipped.append(f"{name} ({type(error).__name__}: {error})")
            continue
        size = INPUT_SIZE.get(name, 224)
        layers = extract(model, size).layers
        calls = sum(layer.count for layer in layers)
        lines.append(f"# {name}, input 1x3x{size}x{size}: {len(layers)} distinct of {calls} convolutions")
        for layer in layers:
            lines.append(convlab.layers.Layer(f"{name}:{layer.name}", layer.descriptor, layer.count,
                                              layer.reason).line())
        print(f"{name}: {len(layers)} layers, {time.time() - started:.1f} s", file=sys.stderr)
    print(f"# The distinct convolution layers of torchvision {torchvision.__version__}'s classification and\n"
          f"# segmentation models, built without weights, at mb 1 and their default input size\n"
          f"# (224; inception_v3 299; segmentation 520). Detection and video models are left out.\n"
          f"# Names are MODEL:module.path of the first occurrence; '*N': N occurrences in that model.\n"
          f"# Made by scripts/make_torchvision_shapes.py with torch {torch.__version__.split('+')[0]}.")
    print("# Skipped (failed to build): " + ("; ".join(skipped) if skipped else "none"))
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
