"""Before/after tables of fft from two convlab bench CSVs of the same cases, run side by side:
    python3 compare.py before.csv after.csv
Peak fraction (the CSV's, useful FLOPs over the measured FMA peak) and time_ms_median per layer and
direction, the phases of each (ms), geometric means per direction over the layers both passed, overall
and per layer set (the layer name's network and kernel), and fft against the other algorithms of the
'after' run."""
import csv
import math
import sys
from collections import defaultdict


def load(path):
    rows = defaultdict(dict)
    for r in csv.DictReader(open(path)):
        if r["status"] == "PASSED":
            rows[r["algorithm"]][(r["layer"], r["direction"])] = r
    return rows


def phases(r):
    return ", ".join(f"{c[6:-3]} {float(v):.1f}" for c, v in r.items() if c.startswith("phase_") and v and float(v) > 0)


def geomean(v):
    return math.exp(sum(map(math.log, v)) / len(v)) if v else float("nan")


def group(layer, r):
    kernel = "1x1" if "kh1" in r["descriptor"] and "kh11" not in r["descriptor"] else "kxk"
    return f"{layer.split(':')[0]} {kernel}"


before, after = load(sys.argv[1]), load(sys.argv[2])
b, a = before["fft"], after["fft"]
keys = [k for k in a if k in b]
print("| layer | dir | before ms | after ms | speed-up | peak fraction before | after | phases before (ms) | phases after (ms) | after: implementation |")
print("|---|---|---|---|---|---|---|---|---|---|")
for k in keys:
    tb, ta = float(b[k]["time_ms_median"]), float(a[k]["time_ms_median"])
    print(f"| {k[0]} | {k[1]} | {tb:.2f} | {ta:.2f} | {tb / ta:.2f} | {float(b[k]['peak_fraction']):.3f} | "
          f"{float(a[k]['peak_fraction']):.3f} | {phases(b[k])} | {phases(a[k])} | {a[k]['implementation']} |")
print("\n| layers | dir | n | peak fraction before | after | speed-up (geomean) |")
print("|---|---|---|---|---|---|")
for d in ["fwd", "bwd_d", "bwd_w"]:
    sets = defaultdict(list)
    for k in keys:
        if k[1] == d:
            sets["all"].append(k)
            sets[group(k[0], a[k])].append(k)
    for s, ks in sorted(sets.items()):
        pb = geomean([float(b[k]["peak_fraction"]) for k in ks])
        pa = geomean([float(a[k]["peak_fraction"]) for k in ks])
        sp = geomean([float(b[k]["time_ms_median"]) / float(a[k]["time_ms_median"]) for k in ks])
        print(f"| {s} | {d} | {len(ks)} | {pb:.3f} | {pa:.3f} | {sp:.2f} |")
print("\n| algorithm (after run) | dir | layers | geomean time over fft's | fft fastest on |")
print("|---|---|---|---|---|")
for name, rows in sorted(after.items()):
    if name == "fft":
        continue
    for d in ["fwd", "bwd_d", "bwd_w"]:
        ks = [k for k in rows if k[1] == d and k in a]
        if not ks:
            continue
        ratio = geomean([float(rows[k]["time_ms_median"]) / float(a[k]["time_ms_median"]) for k in ks])
        wins = sum(float(a[k]["time_ms_median"]) < float(rows[k]["time_ms_median"]) for k in ks)
        print(f"| {name} | {d} | {len(ks)} | {ratio:.2f} | {wins} of {len(ks)} |")
