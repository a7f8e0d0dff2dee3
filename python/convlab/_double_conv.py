"""A float64 convolution in plain numpy, the yardstick convlab.train holds
each algorithm's training run to.

It is written here, apart from convlab's C++ (the module's calls take float32
only, and the double reference inside the checker is not exposed), so the
yardstick shares no code with what it measures. Windows of the padded input
are a strided view (no copy); each direction is one einsum per group.

Layouts are convlab's: x [mb][ic][ih][iw], w [oc][ic/g][kh][kw], y
[mb][oc][oh][ow]. Dilation follows the descriptor: dh=0 is a dense kernel.
"""

import numpy as np


def _padded(x, p):
    """x zero-padded by ph/pw at the top/left and as much as the last window
    needs at the bottom/right (benchdnn's bottom padding may be negative:
    rows no window reaches are then simply never read)."""
    need_h = (p.oh - 1) * p.sh + (p.kh - 1) * (p.dh + 1) + 1
    need_w = (p.ow - 1) * p.sw + (p.kw - 1) * (p.dw + 1) + 1
    bottom = max(0, need_h - p.ph - p.ih)
    right = max(0, need_w - p.pw - p.iw)
    return np.pad(x, ((0, 0), (0, 0), (p.ph, bottom), (p.pw, right)))


def _windows(xp, p):
    """[mb][c][oh][ow][kh][kw]: the input tap each output and kernel tap reads."""
    s = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, shape=(xp.shape[0], xp.shape[1], p.oh, p.ow, p.kh, p.kw),
        strides=(s[0], s[1], s[2] * p.sh, s[3] * p.sw, s[2] * (p.dh + 1), s[3] * (p.dw + 1)),
        writeable=False)


def _groups(p):
    icg, ocg = p.ic // p.g, p.oc // p.g
    return [(slice(k * icg, (k + 1) * icg), slice(k * ocg, (k + 1) * ocg)) for k in range(p.g)]


def forward(p, x, w, b):
    win = _windows(_padded(np.asarray(x, np.float64), p), p)
    y = np.empty((p.mb, p.oc, p.oh, p.ow))
    for ci, co in _groups(p):
        y[:, co] = np.einsum("ncijab,ocab->noij", win[:, ci], w[co], optimize=True)
    return y + np.asarray(b, np.float64)[None, :, None, None]


def backward_weights(p, x, dy):
    win = _windows(_padded(np.asarray(x, np.float64), p), p)
    dw = np.empty((p.oc, p.ic // p.g, p.kh, p.kw))
    for ci, co in _groups(p):
        dw[co] = np.einsum("ncijab,noij->ocab", win[:, ci], dy[:, co], optimize=True)
    return dw, dy.sum(axis=(0, 2, 3))


def backward_data(p, dy, w):
    """Scatters each kernel tap's contribution into a padded dx, then crops."""
    dxp = np.zeros(_padded(np.zeros((1, p.ic, p.ih, p.iw)), p).shape[1:])[None].repeat(p.mb, axis=0)
    rows = (p.oh - 1) * p.sh + 1
    cols = (p.ow - 1) * p.sw + 1
    for ci, co in _groups(p):
        for a in range(p.kh):
            for c in range(p.kw):
                top, left = a * (p.dh + 1), c * (p.dw + 1)
                dxp[:, ci, top:top + rows:p.sh, left:left + cols:p.sw] += np.einsum(
                    "noij,oc->ncij", dy[:, co], w[co, :, a, c], optimize=True)
    return dxp[:, :, p.ph:p.ph + p.ih, p.pw:p.pw + p.iw]
