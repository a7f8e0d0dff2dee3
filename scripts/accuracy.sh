#!/usr/bin/env bash
# The accuracy study: every algorithm but the slow ones checked, in all three
# directions, on 300 random problems and on the layers of ResNet-50, VGG-19
# and AlexNet at minibatch 1, with uniform, normal and post-ReLU data; then
# results/accuracy.md and results/accuracy.png (scripts/accuracy_study.py,
# which says what is measured), the speeds taken from the committed bench
# CSVs of those sets.
#
#   scripts/accuracy.sh [--count N]      N random problems (default 300)
#
# About 20-40 minutes on 2 cores (the double-precision reference of every
# real layer, three times). The validate CSVs go to results/accuracy/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

count=300
while [[ $# -gt 0 ]]; do
    case "$1" in
        --count) count="$2"; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "accuracy.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
cmake --build build -j"$(nproc)" --target convlab
out=results/accuracy
mkdir -p "$out"
"$python" scripts/accuracy_study.py shapes --count "$count" > "$out/random.shapes"

algos=()
for a in $(build/convlab list --json | "$python" -c 'import json, sys
print(" ".join(a["name"] for a in json.load(sys.stdin) if not a.get("slow")))'); do
    algos+=(--algo "$a")
done
# validate: exit 1 when a case FAILED (a finding: the report names it), 2 on bad input (a stop).
validate() {
    local log="$1" code=0
    shift
    build/convlab validate "$@" > "$log" || code=$?
    tail -1 "$log" >&2
    [[ $code -le 1 ]] || { echo "accuracy.sh: convlab validate exited $code (see $log)" >&2; exit "$code"; }
}
for data in uniform normal relu; do
    echo "== random problems, --data $data" >&2
    validate "$out/random_$data.log" --batch "$out/random.shapes" "${algos[@]}" --data "$data" \
        --csv "$out/random_$data.csv"
    echo "== real layers (mb 1), --data $data" >&2
    validate "$out/layers_$data.log" --batch resnet_50 --batch vgg_19 --batch alexnet --mb 1 "${algos[@]}" \
        --data "$data" --csv "$out/layers_$data.csv"
done

benches=()
for set in resnet_50 vgg_19 alexnet googlenet_v1; do
    [[ -f "results/$set.csv" ]] && benches+=(--bench "results/$set.csv")
done
PYTHONPATH=build/python "$python" scripts/accuracy_study.py report "$out" "${benches[@]}" --out results
