"""Textbook method 1: im2col + matmul (forward), col2im scatter-add
(backward data), im2col + matmul (backward weights), in numpy. Groups,
stride, padding (bottom/right may differ or be negative) and dilation."""

import numpy as np

from conv_geometry import dilation, groups, padded_input, unpadded


def im2col(p, xp):
    """cols[n, c, i, j, t, u] = xp[n, c, t*sh + i*dh, u*sw + j*dw]."""
    dh, dw = dilation(p)
    cols = np.empty((p.mb, xp.shape[1], p.kh, p.kw, p.oh, p.ow), dtype=xp.dtype)
    for i in range(p.kh):
        for j in range(p.kw):
            cols[:, :, i, j] = xp[:, :, i * dh: i * dh + (p.oh - 1) * p.sh + 1: p.sh,
                                  j * dw: j * dw + (p.ow - 1) * p.sw + 1: p.sw]
    return cols


def col2im(p, cols, shape):
    """The adjoint of im2col: every column element added back where it came from."""
    dh, dw = dilation(p)
    xp = np.zeros(shape, dtype=cols.dtype)
    for i in range(p.kh):
        for j in range(p.kw):
            xp[:, :, i * dh: i * dh + (p.oh - 1) * p.sh + 1: p.sh,
               j * dw: j * dw + (p.ow - 1) * p.sw + 1: p.sw] += cols[:, :, i, j]
    return xp


def forward(p, x, w, b):
    cols = im2col(p, padded_input(p, x))
    y = np.empty((p.mb, p.oc, p.oh, p.ow), dtype=np.float32)
    for cin, cout in groups(p):
        k = (cin.stop - cin.start) * p.kh * p.kw
        c = cols[:, cin].reshape(p.mb, k, p.oh * p.ow)
        y[:, cout] = (w[cout].reshape(-1, k) @ c).reshape(p.mb, -1, p.oh, p.ow)
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def backward_data(p, dy, w):
    shape = padded_input(p, np.zeros((1, 1, p.ih, p.iw), np.float32)).shape[-2:]
    cols = np.empty((p.mb, p.ic, p.kh, p.kw, p.oh, p.ow), dtype=np.float32)
    for cin, cout in groups(p):
        k = (cin.stop - cin.start) * p.kh * p.kw
        dcol = w[cout].reshape(-1, k).T @ dy[:, cout].reshape(p.mb, -1, p.oh * p.ow)
        cols[:, cin] = dcol.reshape(p.mb, -1, p.kh, p.kw, p.oh, p.ow)
    return unpadded(p, col2im(p, cols, (p.mb, p.ic) + shape))


def backward_weights(p, x, dy):
    cols = im2col(p, padded_input(p, x))
    dw = np.empty((p.oc, p.ic // p.g, p.kh, p.kw), dtype=np.float32)
    for cin, cout in groups(p):
        k = (cin.stop - cin.start) * p.kh * p.kw
        c = cols[:, cin].reshape(p.mb, k, p.oh * p.ow)
        d = dy[:, cout].reshape(p.mb, -1, p.oh * p.ow)
        dw[cout] = np.tensordot(d, c, axes=([0, 2], [0, 2])).reshape(dw[cout].shape)
    return dw, dy.sum(axis=(0, 2, 3))
