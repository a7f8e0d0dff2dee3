"""The convolution layers of a PyTorch model, as convlab problems.

    >>> layers = convlab.layers_from_torch(model, torch.zeros(1, 3, 224, 224))
    >>> layers.problems()           # convlab.Problem per distinct layer, weight = occurrences
    >>> print(layers.shape_file())  # the same as a shape file (docs/descriptors.md)

One forward pass runs with a hook on every nn.Conv1d / Conv2d / Conv3d, so the
sizes are those the model really sees. As a command:

    python3 -m convlab.layers torchvision:resnet18 --input 1,3,224,224 > resnet18.shapes
"""

import argparse
import dataclasses
import importlib
import importlib.util
import sys
from pathlib import Path

from ._convlab import Problem


@dataclasses.dataclass(frozen=True)
class Layer:
    """A distinct convolution of the model: `descriptor` without its name,
    `name` the module path of its first occurrence, `count` its occurrences.
    `reason` says why convlab cannot run it ("" when it can)."""
    name: str
    descriptor: str
    count: int
    reason: str = ""

    @property
    def supported(self):
        return not self.reason

    def line(self):
        """The shape-file line: the descriptor with n"NAME*COUNT", commented
        out with the reason when convlab could misread it as a 2-D problem."""
        weight = f"*{self.count}" if self.count != 1 else ""
        text = f'{self.descriptor}n"{self.name}{weight}"'
        if self.reason and not self.descriptor_is_3d:
            return f"# unsupported ({self.reason}): {text}"
        return text

    @property
    def descriptor_is_3d(self):
        return "_id" in self.descriptor


@dataclasses.dataclass(frozen=True)
class TorchLayers:
    layers: list  # of Layer, in order of first use

    def problems(self):
        """A convlab.Problem per supported distinct layer; its weight is the
        number of occurrences."""
        return [Problem(layer.line()) for layer in self.layers if layer.supported]

    def unsupported(self):
        return [layer for layer in self.layers if not layer.supported]

    def shape_file(self, header=""):
        """Shape-file text. Conv3d layers stay as 3-D descriptors, which
        convlab itself reports as unsupported; other unsupported layers are
        comments, since their 2-D geometry would be run with zero padding."""
        lines = [f"# {text}" for text in header.splitlines()]
        for layer in self.layers:
            if layer.reason and layer.descriptor_is_3d:
                lines.append(f"# unsupported ({layer.reason}):")
            lines.append(layer.line())
        return "\n".join(lines) + "\n"


def _padding(module, kernel, dilation):
    """Top/left padding per spatial axis. For "same", torch pads
    dilation*(k-1) in total, the smaller half first; the bottom/right
    remainder follows from the output size written beside it."""
    if module.padding == "valid":
        return [0] * len(kernel)
    if module.padding == "same":
        return [d * (k - 1) // 2 for k, d in zip(kernel, dilation)]
    return list(module.padding)


def _descriptor(module, input_shape, output_shape):
    """benchdnn descriptor (no name) of one call, and why it is unsupported."""
    import torch.nn as nn
    kernel, stride, dilation = list(module.kernel_size), list(module.stride), list(module.dilation)
    padding = _padding(module, kernel, dilation)
    mb, ic = input_shape[0], input_shape[1]
    spatial_in, spatial_out = list(input_shape[2:]), list(output_shape[2:])
    if isinstance(module, nn.Conv1d):  # the 2-D case with ih = kh = 1
        kernel, stride, dilation, padding = [1] + kernel, [1] + stride, [1] + dilation, [0] + padding
        spatial_in, spatial_out = [1] + spatial_in, [1] + spatial_out
    axes = "dhw"[3 - len(kernel):]
    parts = [f"g{module.groups}mb{mb}ic{ic}"]
    parts += [f"i{a}{n}" for a, n in zip(axes, spatial_in)]
    parts.append(f"oc{output_shape[1]}")
    parts += [f"o{a}{n}" for a, n in zip(axes, spatial_out)]
    parts += [f"k{a}{n}" for a, n in zip(axes, kernel)]
    parts += [f"s{a}{n}" for a, n in zip(axes, stride)]
    parts += [f"p{a}{n}" for a, n in zip(axes, padding)]
    parts += [f"d{a}{n - 1}" for a, n in zip(axes, dilation)]  # benchdnn counts the zeros between taps
    reasons = []
    if isinstance(module, nn.Conv3d):
        reasons.append("3-D convolution")
    if module.padding_mode != "zeros":
        reasons.append(f'padding_mode="{module.padding_mode}": convlab pads with zeros')
    return "_".join(parts) + "_", "; ".join(reasons)


def layers_from_torch(model, example_input):
    """Runs model(example_input) once (eval mode, no gradients) with forward
    hooks on every Conv1d/2d/3d and returns a TorchLayers: identical calls
    folded into one Layer with their count, named by the first module path."""
    import torch
    import torch.nn as nn
    names = {module: name or type(module).__name__ for name, module in model.named_modules()}
    calls = []

    def record(module, inputs, output):
        calls.append((names[module], *_descriptor(module, tuple(inputs[0].shape), tuple(output.shape))))

    hooks = [m.register_forward_hook(record) for m in model.modules()
             if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d))]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(example_input)
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    first, counts = {}, {}
    for name, descriptor, reason in calls:
        first.setdefault(descriptor, (name, reason))
        counts[descriptor] = counts.get(descriptor, 0) + 1
    return TorchLayers([Layer(name, descriptor, counts[descriptor], reason)
                        for descriptor, (name, reason) in first.items()])


class SpecError(Exception):
    """A model spec or input size the command cannot use (exit status 2)."""


def load_model(spec):
    """The nn.Module of `torchvision:NAME`, `module.path:callable` or
    `path/to/file.py:callable` (called with no arguments; torchvision
    builders with weights=None)."""
    source, sep, attribute = spec.rpartition(":")
    if not sep or not source or not attribute:
        raise SpecError(f"model spec {spec!r}: expected torchvision:NAME, module.path:callable or file.py:callable")
    if source == "torchvision":
        try:
            import torchvision.models
        except ImportError:
            raise SpecError("torchvision is not installed: install python3-torchvision (or pip install torchvision)")
        builder = getattr(torchvision.models, attribute, None)
        if not callable(builder) or attribute.startswith("_"):
            raise SpecError(f"torchvision.models has no model builder {attribute!r}")
        return builder(weights=None)
    try:
        if source.endswith(".py"):
            if not Path(source).is_file():
                raise SpecError(f"model spec {spec!r}: no file {source}")
            loader_spec = importlib.util.spec_from_file_location(Path(source).stem, source)
            module = importlib.util.module_from_spec(loader_spec)
            loader_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(source)
    except SpecError:
        raise
    except Exception as error:
        raise SpecError(f"model spec {spec!r}: cannot import {source}: {type(error).__name__}: {error}")
    builder = getattr(module, attribute, None)
    if not callable(builder):
        raise SpecError(f"model spec {spec!r}: {source} has no callable {attribute!r}")
    return builder()


def parse_input(text):
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or any(n <= 0 for n in sizes):
        raise SpecError(f"--input {text!r}: expected positive sizes separated by commas, e.g. 1,3,224,224")
    return sizes


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m convlab.layers",
        description="Print the convolution layers of a PyTorch model as a convlab shape file "
                    "(distinct layers, '*N' for N occurrences; batch size from --input).",
        epilog="examples: torchvision:resnet18 --input 1,3,224,224 | mypackage.models:build --input 8,3,64,64 | "
               "path/to/model.py:make_model --input 1,1,16000")
    parser.add_argument("model", help="torchvision:NAME, module.path:callable or path/to/file.py:callable "
                                      "(the callable returns an nn.Module)")
    parser.add_argument("--input", required=True, help="example input size, e.g. 1,3,224,224 (first: minibatch)")
    parser.add_argument("--prefix", help="prefix of layer names (default: the callable's name and ':')")
    args = parser.parse_args(argv)
    try:
        sizes = parse_input(args.input)
        try:
            import torch
        except ImportError:
            raise SpecError("PyTorch is not installed: install python3-torch (or pip install torch)")
        model = load_model(args.model)
        if not isinstance(model, torch.nn.Module):
            raise SpecError(f"{args.model} returned {type(model).__name__}, not an nn.Module")
        try:
            layers = layers_from_torch(model, torch.zeros(sizes))
        except Exception as error:
            raise SpecError(f"forward pass of {args.model} on input {args.input} failed: "
                            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    except SpecError as error:
        print(f"convlab.layers: {error}", file=sys.stderr)
        return 2
    prefix = args.prefix if args.prefix is not None else args.model.rpartition(":")[2] + ":"
    layers = TorchLayers([dataclasses.replace(layer, name=prefix + layer.name) for layer in layers.layers])
    header = (f"{args.model}, input {args.input}: {len(layers.layers)} distinct convolution layers, "
              f"{sum(layer.count for layer in layers.layers)} calls\n"
              f"made by: python3 -m convlab.layers {args.model} --input {args.input}")
    sys.stdout.write(layers.shape_file(header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
