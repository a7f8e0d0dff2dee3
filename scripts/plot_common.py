"""What the plot modules share: saving a figure atomically, labels, colours and markers per algorithm."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from report_format import save_atomically  # noqa: E402

MARKERS = "osD^vPX*<>hp"


def save_figure(fig, path):
    save_atomically(path, lambda tmp: fig.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
    plt.close(fig)
    return [path]


def short_labels(layers):
    """Layer names without their suite prefix ("resnet_50:conv1" -> "conv1") when that keeps them distinct."""
    stripped = [layer.split(":")[-1] for layer in layers]
    return stripped if len(set(stripped)) == len(set(layers)) else list(layers)


def colours(res):
    cmap = plt.cm.tab20 if len(res.algorithms) > 10 else plt.cm.tab10
    return {a: cmap(i % cmap.N) for i, a in enumerate(res.algorithms)}


def family_markers(res):
    return {f: MARKERS[i % len(MARKERS)] for i, f in enumerate(res.families(res.algorithms))}


def legend_outside(ax, **kwargs):
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)
