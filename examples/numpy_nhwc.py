"""A convolution written the way the NHWC numpy tutorials write it: images
[batch, height, width, channel], weights [k, k, in, out] (HWIO), one matrix
product per kernel tap. convlab checks it in its own layout (layout="nhwc:hwio"):
no transposes are written here. Run it to see the three directions checked and
convlab's NHWC engines run on the same arrays:

    python3 examples/numpy_nhwc.py

Groups are left out (the tutorials have none); stride, padding (also negative
at the bottom/right) and dilation are in."""

import numpy as np

import convlab
from conv_geometry import dilation, extent

LAYOUT = "nhwc:hwio"


def padded(p, x):
    """x [n, h, w, c] at (ph, pw) in exactly the rows and columns the windows read."""
    eh, ew = extent(p)
    height, width = (p.oh - 1) * p.sh + eh, (p.ow - 1) * p.sw + ew
    out = np.zeros((x.shape[0], height, width, x.shape[3]), dtype=np.float64)
    rows, cols = min(p.ih, height - p.ph), min(p.iw, width - p.pw)
    out[:, p.ph:p.ph + rows, p.pw:p.pw + cols, :] = x[:, :rows, :cols, :]
    return out


def window(p, a, i, j):
    """The pixels tap (i, j) reads for every output pixel: [n, oh, ow, c]."""
    dh, dw = dilation(p)
    return a[:, i * dh:i * dh + (p.oh - 1) * p.sh + 1:p.sh, j * dw:j * dw + (p.ow - 1) * p.sw + 1:p.sw, :]


def forward(p, x, w, b):
    xp = padded(p, x)
    y = np.zeros((p.mb, p.oh, p.ow, p.oc)) + (0 if b is None else b)
    for i in range(p.kh):
        for j in range(p.kw):
            y += window(p, xp, i, j) @ w[i, j]  # [n, oh, ow, ic] @ [ic, oc]
    return y


def backward_data(p, dy, w):
    eh, ew = extent(p)
    dxp = np.zeros((p.mb, (p.oh - 1) * p.sh + eh, (p.ow - 1) * p.sw + ew, p.ic))
    for i in range(p.kh):
        for j in range(p.kw):
            window(p, dxp, i, j)[...] += dy @ w[i, j].T  # a view: written in place
    dx = np.zeros((p.mb, p.ih, p.iw, p.ic))
    rows, cols = min(p.ih, dxp.shape[1] - p.ph), min(p.iw, dxp.shape[2] - p.pw)
    dx[:, :rows, :cols, :] = dxp[:, p.ph:p.ph + rows, p.pw:p.pw + cols, :]
    return dx


def backward_weights(p, x, dy):
    xp = padded(p, x)
    dw = np.zeros((p.kh, p.kw, p.ic, p.oc))
    for i in range(p.kh):
        for j in range(p.kw):
            dw[i, j] = np.einsum("nhwc,nhwo->co", window(p, xp, i, j), dy)
    return dw, dy.sum(axis=(0, 1, 2))


def callables(p):
    return {"fwd": lambda x, w, b: forward(p, x, w, b),
            "bwd_d": lambda dy, w: backward_data(p, dy, w),
            "bwd_w": lambda x, dy: backward_weights(p, x, dy)}


def main():
    p = convlab.Problem("mb2ic8ih12iw10oc16kh3kw3sh2sw2ph1pw1")
    for direction, fn in callables(p).items():
        print(f"numpy NHWC/HWIO {direction}: {convlab.validate(fn, p, direction, layout=LAYOUT, label='numpy_nhwc')}")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((p.mb, p.ih, p.iw, p.ic)).astype(np.float32)
    w = rng.standard_normal((p.kh, p.kw, p.ic, p.oc)).astype(np.float32)
    b = rng.standard_normal(p.oc).astype(np.float32)
    mine = forward(p, x, w, b)
    for algo in ("indirect", "im2col_gemm", "onednn"):
        y = convlab.forward(p, x, w, b, algo=algo, layout=LAYOUT)
        print(f"convlab.forward(algo={algo!r}, layout={LAYOUT!r}): shape {y.shape}, "
              f"largest difference from numpy {np.abs(y - mine).max():.2g}")


if __name__ == "__main__":
    main()
