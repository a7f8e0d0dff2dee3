"""What the three numpy examples share: a convlab.Problem's geometry in numpy
terms. benchdnn's dh counts the zeros between kernel taps, so the step
between taps is dh + 1; the bottom/right padding is what the output size
implies, and may be negative (rows of x that no window reaches)."""

import numpy as np


def dilation(p):
    """Steps between kernel taps (1 = dense)."""
    return p.dh + 1, p.dw + 1


def extent(p):
    """Height and width one window covers in the padded input."""
    dh, dw = dilation(p)
    return (p.kh - 1) * dh + 1, (p.kw - 1) * dw + 1


def placed(a, top, left, height, width):
    """A zero array of the last two dims (height, width) holding `a` with its
    [0, 0] at [top, left]; a negative top/left or a too small size crops."""
    out = np.zeros(a.shape[:-2] + (height, width), dtype=a.dtype)
    h, w = a.shape[-2:]
    src_r = slice(max(0, -top), max(0, min(h, height - top)))
    src_c = slice(max(0, -left), max(0, min(w, width - left)))
    dst_r = slice(src_r.start + top, src_r.stop + top)
    dst_c = slice(src_c.start + left, src_c.stop + left)
    if src_r.stop > src_r.start and src_c.stop > src_c.start:
        out[..., dst_r, dst_c] = a[..., src_r, src_c]
    return out


def padded_input(p, x):
    """x placed at (ph, pw) in exactly the rows and columns the windows read:
    (oh - 1) * sh + extent_h by (ow - 1) * sw + extent_w."""
    eh, ew = extent(p)
    return placed(x, p.ph, p.pw, (p.oh - 1) * p.sh + eh, (p.ow - 1) * p.sw + ew)


def unpadded(p, xp):
    """The inverse view: the (ih, iw) of x out of a padded-input-shaped array
    (zeros where the windows never reach)."""
    return placed(xp, -p.ph, -p.pw, p.ih, p.iw)


def groups(p):
    """(input channel slice, output channel slice) of each group."""
    icg, ocg = p.ic // p.g, p.oc // p.g
    return [(slice(k * icg, (k + 1) * icg), slice(k * ocg, (k + 1) * ocg)) for k in range(p.g)]
