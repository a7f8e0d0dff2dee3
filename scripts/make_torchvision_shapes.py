"""Writes shapes/torchvision: the distinct convolution layers of every
torchvision classification, semantic segmentation, detection and video model,
built without weights, at mb 1 and its default input size, named MODEL:module.path
with '*N' for N occurrences in that model.

Detection models take a list of images and resize them themselves
(GeneralizedRCNNTransform): each gets one seeded random 3x480x640 image (COCO's
most common size), and its lines are at the size its convolutions see (800x1088
for the 800-pixel models, padded to a multiple of 32; SSD 300x300, SSDlite
320x320). Their RoI heads (Mask and Keypoint R-CNN, Faster/Mask R-CNN v2's box
head) run once per image on all its RoIs as one batch, so those lines' mb is
the number of RoIs; the box score threshold is 0, since random weights score
no box above the default 0.05 and the mask and keypoint heads would then never
run: they get box_detections_per_img (100) boxes, as on a busy image.
Video models' Conv3d layers are written as 3-D descriptors, which convlab reports
as unsupported; the Conv2d layers of a video model count as any other.

Run (Debian's python3-torch 1.13 and python3-torchvision 0.14, from a build
tree whose python/ holds the convlab module):

    PYTHONPATH=build/python /usr/bin/python3 scripts/make_torchvision_shapes.py > shapes/torchvision

The forward pass runs on the "meta" device where torch supports every op of
the model (only shapes are computed), else on CPU zeros; detection models on CPU
with their random initialisation (non-maximum suppression has no meta kernel,
and the number of RoIs depends on the scores). Building the models (their random
initialisation) is where the time goes: a few minutes of CPU.
"""

import argparse
import sys
import time

import torch
import torchvision
import torchvision.models as models
import torchvision.models.detection as detection
import torchvision.models.segmentation as segmentation
import torchvision.models.video as video

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

DETECTION = ["fasterrcnn_resnet50_fpn", "fasterrcnn_resnet50_fpn_v2", "fasterrcnn_mobilenet_v3_large_fpn",
             "fasterrcnn_mobilenet_v3_large_320_fpn", "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2",
             "keypointrcnn_resnet50_fpn", "retinanet_resnet50_fpn", "retinanet_resnet50_fpn_v2", "fcos_resnet50_fpn",
             "ssd300_vgg16", "ssdlite320_mobilenet_v3_large"]
# Two-stage models: their RoI heads only run on boxes scoring above box_score_thresh.
RCNN = [name for name in DETECTION if "rcnn" in name]
DETECTION_IMAGE = (3, 480, 640)

VIDEO = ["r3d_18", "mc3_18", "r2plus1d_18", "s3d", "mvit_v1_b", "mvit_v2_s"]
# Frames and crop of each video model's weights' transforms (clip_len of their evaluation).
VIDEO_INPUT = {"r3d_18": (16, 112), "mc3_18": (16, 112), "r2plus1d_18": (16, 112), "s3d": (128, 224),
               "mvit_v1_b": (16, 224), "mvit_v2_s": (16, 224)}

# The input size each model's weights' transforms give; every other image model takes 224.
INPUT_SIZE = {"inception_v3": 299, **{name: 520 for name in SEGMENTATION}}


def build(name):
    torch.manual_seed(0)  # the RoIs a detection model keeps depend on its random weights
    if name in SEGMENTATION or name in DETECTION:  # weights_backbone=None: the default would download weights
        module = segmentation if name in SEGMENTATION else detection
        kwargs = {"box_score_thresh": 0.0} if name in RCNN else {}
        return getattr(module, name)(weights=None, weights_backbone=None, **kwargs)
    if name in VIDEO:
        return getattr(video, name)(weights=None)
    kwargs = {"init_weights": False} if name in ("googlenet", "inception_v3") else {}  # skip scipy's slow init
    return getattr(models, name)(weights=None, **kwargs)


def input_shape(name):
    if name in VIDEO:
        frames, size = VIDEO_INPUT[name]
        return (1, 3, frames, size, size)
    size = INPUT_SIZE.get(name, 224)
    return (1, 3, size, size)


def extract(model, shape):
    """On "meta" tensors when every op allows it (no arithmetic), else on CPU."""
    try:
        return convlab.layers.layers_from_torch(model.to("meta"), torch.zeros(shape, device="meta"))
    except (NotImplementedError, RuntimeError):
        return convlab.layers.layers_from_torch(model.to_empty(device="cpu"), torch.zeros(shape))


def extract_detection(model):
    """On CPU, the model's random weights and a seeded random image; returns
    the layers and the batch shape the model's transform made of the image."""
    seen = []
    hook = model.transform.register_forward_hook(lambda module, inputs, output: seen.append(output[0].tensors.shape))
    try:
        torch.manual_seed(0)
        layers = convlab.layers.layers_from_torch(model, [torch.rand(DETECTION_IMAGE)])
    finally:
        hook.remove()
    return layers, "x".join(map(str, seen[0]))


def layers_and_input(name, model):
    """The model's layers, and the input its convolutions see, in words."""
    if name in DETECTION:
        layers, batch = extract_detection(model)
        return layers, f"image {'x'.join(map(str, DETECTION_IMAGE))}, resized to {batch}"
    return extract(model, input_shape(name)), "input " + "x".join(map(str, input_shape(name)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", metavar="MODEL",
                        help="only these models (default: all; the committed set is made with all)")
    everything = CLASSIFICATION + SEGMENTATION + DETECTION + VIDEO
    names = parser.parse_args().models or everything
    unknown = [name for name in names if name not in everything]
    if unknown:
        print(f"make_torchvision_shapes.py: unknown model(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    lines, skipped = [], []
    for name in names:
        started = time.time()
        try:
            layers, source = layers_and_input(name, build(name))
        except Exception as error:  # noqa: BLE001 - a model this torchvision cannot run is reported, not fatal
            skipped.append(f"{name} ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''})")
            continue
        calls = sum(layer.count for layer in layers.layers)
        unsupported = len(layers.unsupported())
        lines.append(f"# {name}, {source}: {len(layers.layers)} distinct of {calls} convolutions"
                     + (f", {unsupported} of them unsupported" if unsupported else ""))
        for layer in layers.layers:
            lines.append(convlab.layers.Layer(f"{name}:{layer.name}", layer.descriptor, layer.count,
                                              layer.reason).line())
        print(f"{name}: {len(layers.layers)} layers, {time.time() - started:.1f} s", file=sys.stderr)
    image = "x".join(map(str, DETECTION_IMAGE))
    print(f"# The distinct convolution layers of torchvision {torchvision.__version__}'s classification, semantic\n"
          f"# segmentation, detection and video models, built without weights, at mb 1 and their default\n"
          f"# input size: 224 (inception_v3 299; segmentation 520; video 16x112x112, s3d 128x224x224,\n"
          f"# mvit 16x224x224); detection models get one {image} image and are written at the size they\n"
          f"# resize it to (each model's line says it), their RoI heads at mb = the RoIs (box score\n"
          f"# threshold 0, so mask and keypoint heads see 100 boxes; see the script). Conv3d layers are\n"
          f"# 3-D descriptors, which convlab reports as unsupported.\n"
          f"# Names are MODEL:module.path of the first occurrence; '*N': N occurrences in that model.\n"
          f"# Made by `PYTHONPATH=build/python /usr/bin/python3 scripts/make_torchvision_shapes.py` with\n"
          f"# torch {torch.__version__.split('+')[0]}.")
    print("# Skipped (failed to build or run): " + ("; ".join(skipped) if skipped else "none"))
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
