#!/usr/bin/env bash
# One network's report: its convolution layers from the PyTorch model, each
# checked (`convlab validate`) and timed (`convlab bench`: every algorithm and
# baseline, three directions, at the model's own minibatch), an algorithm
# chosen per layer and direction (`convlab pick`), and one page,
# OUT/NAME.md, with the winners plot OUT/NAME_winners.png.
#
#   scripts/network_report.sh MODEL --input SIZES [OPTIONS] [-- CONVLAB_ARGS...]
#
#   MODEL             torchvision:NAME, module.path:callable or path/file.py:callable
#   --input SIZES     the example input, minibatch first, e.g. 1,3,224,224
#   --name NAME       the page's name (default: the model's callable, e.g. resnet18)
#   --out DIR         where the page goes (default results/networks); the data
#                     (shape file, CSVs, raw results, plan) in DIR/NAME/
#   --repetitions N   bench repetitions (default 5; pick's noise test needs 4)
#   --min-time S      bench seconds per repetition at least (default 0.05)
#   --note TEXT       a sentence for the top of the page (the host was busy, ...)
#   --convlab PATH    the binary (default build/convlab of this repository)
#   --resume          carry on after an interruption: the layers and a finished
#                     validate are kept, bench runs only the cases not yet in its CSV
#
# Everything after -- goes to both validate and bench (--algo, --dir,
# --threads, --budget-gflop, ...). The console shows each case as it ends,
# with the time left. The Python module (build/python) and PyTorch are needed
# for the extraction; without torchvision a torchvision: model says how to
# install it. Exit status: 0 done, 1 a check FAILED (the page is still
# written and says so), 2 bad arguments or input.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/results/networks"
convlab="$repo/build/convlab"
name=""
input=""
repetitions=5
min_time=0.05
note=""
resume=0

usage() { sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "network_report.sh: $*" >&2; exit 2; }
need() { [[ $# -ge 3 ]] || die "$1 needs $2"; }

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
case "$1" in
    -h|--help) usage; exit 0 ;;
    -*) die "the first argument is the model (torchvision:NAME, module:callable or file.py:callable), not '$1'" ;;
esac
model="$1"
shift
while [[ $# -gt 0 ]]; do
    case "$1" in
        --input) need "$1" "sizes, e.g. 1,3,224,224" "$@"; input="$2"; shift 2 ;;
        --name) need "$1" "a name" "$@"; name="$2"; shift 2 ;;
        --out) need "$1" "a directory" "$@"; out="$2"; shift 2 ;;
        --repetitions) need "$1" "a number" "$@"; repetitions="$2"; shift 2 ;;
        --min-time) need "$1" "seconds" "$@"; min_time="$2"; shift 2 ;;
        --note) need "$1" "a sentence" "$@"; note="$2"; shift 2 ;;
        --convlab) need "$1" "a path" "$@"; convlab="$2"; shift 2 ;;
        --resume) resume=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        *) die "unknown option: $1 (convlab's own arguments go after --)" ;;
    esac
done
convlab_args=("$@")
[[ -n "$input" ]] || die "--input is required (the example input, minibatch first, e.g. 1,3,224,224)"
[[ "$repetitions" =~ ^[1-9][0-9]*$ ]] || die "--repetitions needs a whole number of at least 1, not '$repetitions'"
[[ -n "$name" ]] || name="${model##*:}"
[[ "$name" =~ ^[A-Za-z0-9_.+-]+$ ]] || die "--name '$name': letters, digits and _ . + - only"
[[ -x "$convlab" ]] || die "no convlab binary at $convlab (build it, or give --convlab PATH)"
for arg in "${convlab_args[@]}"; do
    case "$arg" in
        --csv|--csv=*|--json|--json=*|--resume|--batch|--batch=*|--problem|--problem=*|--mb|--mb=*)
            die "$arg is set by the report itself" ;;
    esac
done

python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
data="$out/$name"
mkdir -p "$data"
shapes="$data/$name.shapes"
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$repo/build/python"
# Set by some OpenBLAS setups; they would skew the bench (see README).
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

step() { echo "network_report.sh: [$1/5] $2" >&2; }

if [[ $resume -eq 0 || ! -s "$shapes" ]]; then
    step 1 "layers of $model at input $input"
    "$python" -m convlab.layers "$model" --input "$input" --prefix "" > "$shapes.tmp" || { rm -f "$shapes.tmp"; exit 2; }
    mv "$shapes.tmp" "$shapes"
    rm -f "$data/validate.csv" "$data/validate.meta.json" "$data/validate.done" "$data/bench.csv" "$data/bench.json" "$data/bench.meta.json"
else
    step 1 "layers kept from $shapes"
fi
grep -v '^#' "$shapes" | grep -q . || die "$model has no convolution layer convlab can run (see $shapes)"

status=0
if [[ $resume -eq 1 && -e "$data/validate.done" ]]; then
    step 2 "validate kept ($data/validate.csv)"
else
    step 2 "validate every algorithm and direction"
    code=0
    "$convlab" validate --batch "$shapes" --csv "$data/validate.csv" "${convlab_args[@]}" || code=$?
    [[ $code -le 1 ]] || exit "$code"
    [[ $code -eq 0 ]] || status=1
    touch "$data/validate.done"  # validate writes its metadata first: this says it ended
fi

step 3 "bench ($repetitions repetitions of at least $min_time s)"
bench_resume=()
[[ $resume -eq 1 && -s "$data/bench.csv" ]] && bench_resume=(--resume)
code=0
"$convlab" bench --batch "$shapes" --csv "$data/bench.csv" --repetitions "$repetitions" --min-time "$min_time" \
    "${bench_resume[@]}" "${convlab_args[@]}" || code=$?
[[ $code -le 1 ]] || exit "$code"
[[ $code -eq 0 ]] || status=1

step 4 "pick"
"$convlab" pick "$data/bench.csv" --plan "$data/plan.json" > "$data/pick.txt"

step 5 "page"
winners=()
if "$python" "$repo/scripts/plot_winners.py" "$data/plan.json" "$out/${name}_winners.png" > /dev/null; then
    winners=(--winners "${name}_winners.png")
fi
"$python" "$repo/scripts/network_page.py" --name "$name" --bench "$data/bench.csv" --plan "$data/plan.json" \
    --validate "$data/validate.csv" --shapes "$shapes" "${winners[@]}" --note "$note" \
    --model "$model" --input "$input" --out "$out/$name.md"
echo "network_report.sh: $out/$name.md"
exit "$status"
