"""Textbook method 2: a zero-copy window view (np.lib.stride_tricks.as_strided)
contracted with np.tensordot. Forward: the view of the padded x against w.
Backward data: the rot180 full convolution through the same kind of view
(dy dilated by the stride, padded by extent - 1 - padding, the kernel rotated
by 180 degrees with its channels swapped). Backward weights: the view of x
against dy over (n, oh, ow). Groups, stride, padding and dilation."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

from conv_geometry import dilation, extent, groups, padded_input, placed


def windows(a, out_h, out_w, stride, dil, kh, kw):
    """view[n, c, t, u, i, j] = a[n, c, t*stride_h + i*dil_h, u*stride_w + j*dil_w]."""
    n, c, s_h, s_w = a.strides
    return as_strided(a, shape=a.shape[:2] + (out_h, out_w, kh, kw),
                      strides=(n, c, s_h * stride[0], s_w * stride[1], s_h * dil[0], s_w * dil[1]),
                      writeable=False)


def forward(p, x, w, b):
    v = windows(padded_input(p, x), p.oh, p.ow, (p.sh, p.sw), dilation(p), p.kh, p.kw)
    y = np.empty((p.mb, p.oc, p.oh, p.ow), dtype=np.float32)
    for cin, cout in groups(p):
        y[:, cout] = np.tensordot(v[:, cin], w[cout], axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y


def backward_data(p, dy, w):
    eh, ew = extent(p)
    dilated = np.zeros((p.mb, p.oc, (p.oh - 1) * p.sh + 1, (p.ow - 1) * p.sw + 1), dtype=np.float32)
    dilated[:, :, ::p.sh, ::p.sw] = dy
    full = placed(dilated, eh - 1 - p.ph, ew - 1 - p.pw, p.ih + eh - 1, p.iw + ew - 1)
    v = windows(full, p.ih, p.iw, (1, 1), dilation(p), p.kh, p.kw)
    rotated = w[:, :, ::-1, ::-1]
    dx = np.empty((p.mb, p.ic, p.ih, p.iw), dtype=np.float32)
    for cin, cout in groups(p):
        dx[:, cin] = np.tensordot(v[:, cout], rotated[cout], axes=([1, 4, 5], [0, 2, 3])).transpose(0, 3, 1, 2)
    return dx


def backward_weights(p, x, dy):
    v = windows(padded_input(p, x), p.oh, p.ow, (p.sh, p.sw), dilation(p), p.kh, p.kw)
    dw = np.empty((p.oc, p.ic // p.g, p.kh, p.kw), dtype=np.float32)
    for cin, cout in groups(p):
        dw[cout] = np.tensordot(dy[:, cout], v[:, cin], axes=([0, 2, 3], [0, 2, 3]))
    return dw, dy.sum(axis=(0, 2, 3))
