"""Before/after table of two convlab bench CSVs per layer set: python3 compare.py TAG
reads TAG_<set>_old.csv and TAG_<set>_new.csv beside this file; ratios of time_ms_min."""
import csv,sys,math,os
here=os.path.dirname(os.path.abspath(__file__))
def load(p):
    d={}
    if not os.path.exists(p): return d
    for r in csv.DictReader(open(p)):
        if r['status']!='PASSED': continue
        d[(r['layer'],r['direction'])]=r
    return d
def ph(r):
    return ', '.join(f"{c[6:-3]} {float(v):.1f}" for c,v in r.items() if c.startswith('phase_') and v)
tag=sys.argv[1]
allr={}
for s in ['r50_3x3','g5x5','alexnet']:
    a=load(f'{here}/{tag}_{s}_old.csv'); b=load(f'{here}/{tag}_{s}_new.csv')
    if not a or not b: continue
    print(f"\n### {s}\n")
    print("| layer | dir | before ms | after ms | before/after | phases before (ms) | phases after (ms) | after: implementation |")
    print("|---|---|---|---|---|---|---|---|")
    for k in a:
        if k not in b: continue
        ta=float(a[k]['time_ms_min']); tb=float(b[k]['time_ms_min'])
        allr.setdefault((s,k[1]),[]).append(ta/tb)
        print(f"| {k[0]} | {k[1]} | {ta:.1f} | {tb:.1f} | {ta/tb:.2f} | {ph(a[k])} | {ph(b[k])} | {b[k]['implementation']} |")
print("\n| set | dir | geometric mean before/after | layers |\n|---|---|---|---|")
g=lambda v: math.exp(sum(map(math.log,v))/len(v))
for (s,d),v in allr.items(): print(f"| {s} | {d} | {g(v):.2f} | {len(v)} |")
for d in ['fwd','bwd_d','bwd_w']:
    v=[x for (s,dd),vv in allr.items() if dd==d for x in vv]
    if v: print(f"| all | {d} | {g(v):.2f} | {len(v)} |")
