"""Textbook method 3: plain loops. Forward: the seven nested loops with the
padding as bounds checks. Backward data: the rot180 full convolution, i.e.
the same forward loops run on dy dilated by the stride and padded by
extent - 1 - padding, with the kernel rotated by 180 degrees and its input
and output channels swapped. Backward weights: loops. Slow: tiny problems
only. Groups, stride, padding and dilation."""

import numpy as np

from conv_geometry import dilation, extent


def conv_loops(x, w, b, g, out_h, out_w, stride, top, left, dil):
    """y[n, o, t, u] = b[o] + sum x[n, c, t*s - top + i*d, u*s - left + j*d] w[o, c, i, j]."""
    mb, ic, ih, iw = x.shape
    oc, icg, kh, kw = w.shape
    ocg = oc // g
    y = np.zeros((mb, oc, out_h, out_w), dtype=np.float64)
    for n in range(mb):
        for o in range(oc):
            group = o // ocg
            for t in range(out_h):
                for u in range(out_w):
                    acc = 0.0 if b is None else float(b[o])
                    for c in range(icg):
                        for i in range(kh):
                            h = t * stride[0] - top + i * dil[0]
                            if h < 0 or h >= ih:
                                continue
                            for j in range(kw):
                                v = u * stride[1] - left + j * dil[1]
                                if 0 <= v < iw:
                                    acc += float(x[n, group * icg + c, h, v]) * float(w[o, c, i, j])
                    y[n, o, t, u] = acc
    return y.astype(np.float32)


def forward(p, x, w, b):
    return conv_loops(x, w, b, p.g, p.oh, p.ow, (p.sh, p.sw), p.ph, p.pw, dilation(p))


def backward_data(p, dy, w):
    eh, ew = extent(p)
    dilated = np.zeros((p.mb, p.oc, (p.oh - 1) * p.sh + 1, (p.ow - 1) * p.sw + 1), dtype=np.float32)
    for t in range(p.oh):
        for u in range(p.ow):
            dilated[:, :, t * p.sh, u * p.sw] = dy[:, :, t, u]
    icg, ocg = p.ic // p.g, p.oc // p.g
    # Per group, w[o, c] becomes rotated[c, o], rotated by 180 degrees.
    rotated = np.zeros((p.ic, ocg, p.kh, p.kw), dtype=np.float32)
    for o in range(p.oc):
        group = o // ocg
        for c in range(icg):
            for i in range(p.kh):
                for j in range(p.kw):
                    rotated[group * icg + c, o % ocg, p.kh - 1 - i, p.kw - 1 - j] = w[o, c, i, j]
    # Top padding extent - 1 - ph: may be negative, which the bounds checks handle.
    return conv_loops(dilated, rotated, None, p.g, p.ih, p.iw, (1, 1), eh - 1 - p.ph, ew - 1 - p.pw, dilation(p))


def backward_weights(p, x, dy):
    dh, dw_ = dilation(p)
    icg, ocg = p.ic // p.g, p.oc // p.g
    dw = np.zeros((p.oc, icg, p.kh, p.kw), dtype=np.float64)
    for o in range(p.oc):
        group = o // ocg
        for c in range(icg):
            for i in range(p.kh):
                for j in range(p.kw):
                    acc = 0.0
                    for n in range(p.mb):
                        for t in range(p.oh):
                            h = t * p.sh - p.ph + i * dh
                            if h < 0 or h >= p.ih:
                                continue
                            for u in range(p.ow):
                                v = u * p.sw - p.pw + j * dw_
                                if 0 <= v < p.iw:
                                    acc += float(x[n, group * icg + c, h, v]) * float(dy[n, o, t, u])
                    dw[o, c, i, j] = acc
    db = np.zeros(p.oc, dtype=np.float64)
    for o in range(p.oc):
        for n in range(p.mb):
            for t in range(p.oh):
                for u in range(p.ow):
                    db[o] += float(dy[n, o, t, u])
    return dw.astype(np.float32), db.astype(np.float32)
