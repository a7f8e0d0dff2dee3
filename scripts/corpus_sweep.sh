#!/usr/bin/env bash
# A stratified sample of a corpus of real layers (the bundled torchvision set),
# checked (`convlab validate`) and timed (`convlab bench`) at minibatch 1 in
# all three directions with every algorithm and baseline, then `convlab pick`
# and the winning-share table (scripts/corpus_summary.py): on what share of the
# layers each family wins, per direction, and by how much.
#
#   scripts/corpus_sweep.sh [OPTIONS] [-- CONVLAB_ARGS...]
#
#   --set NAME        the corpus: a bundled set or shape file (default torchvision)
#   --count N         layers drawn, stratified by layer class x FLOP tercile
#                     (scripts/corpus_sample.py; default 200)
#   --seed S          seed of the draw (default 1)
#   --out DIR         sample.shapes, validate.csv, bench.csv (+ .json, .meta.json),
#                     plan.json, pick.txt, SUMMARY.md (default results/corpus)
#   --repetitions N   bench repetitions (default 4: the fewest pick's noise test judges)
#   --min-time S      bench seconds per repetition at least (default 0.01)
#   --budget-gflop G  the slow algorithms (naive, reference) only up to G GFLOP (default 0.2)
#   --note TEXT       a sentence for the top of SUMMARY.md
#   --convlab PATH    the binary (default build/convlab of this repository)
#   --resume          carry on after an interruption: the sample and a finished
#                     validate are kept, bench runs only the cases not yet in its CSV
#
# Everything after -- goes to both validate and bench (--threads, --algo, ...).
# The bench runs first: its rows (each checked on real data at mb 1) are the
# table's, so a sweep stopped during validate still answers; validate then adds
# the integer-data check of every case.
# The defaults aim at 200 layers within 60 minutes on 2 cores: 4 repetitions
# (the fewest pick's noise test judges) of at least 10 ms, the slow algorithms
# only up to 0.2 GFLOP. A case is checked, then timed between two noise
# sentinels, and timed again when they say the host was busy, so a busy host
# takes much longer: results/corpus/SUMMARY.md says what the committed run took.
# The whole corpus, on many machines: scripts/slurm_sweep.sh bench -- --batch torchvision --mb 1
# (docs/networks.md).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
set_name=torchvision
count=200
seed=1
out="$repo/results/corpus"
repetitions=4
min_time=0.01
budget=0.2
note=""
convlab="$repo/build/convlab"
resume=0

usage() { sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "corpus_sweep.sh: $*" >&2; exit 2; }
need() { [[ $# -ge 3 ]] || die "$1 needs $2"; }
whole() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 needs a whole number, not '$2'"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --set) need "$1" "a set name or shape file" "$@"; set_name="$2"; shift 2 ;;
        --count) need "$1" "a number" "$@"; whole "$1" "$2"; count="$2"; shift 2 ;;
        --seed) need "$1" "a number" "$@"; whole "$1" "$2"; seed="$2"; shift 2 ;;
        --out) need "$1" "a directory" "$@"; out="$2"; shift 2 ;;
        --repetitions) need "$1" "a number" "$@"; whole "$1" "$2"; repetitions="$2"; shift 2 ;;
        --min-time) need "$1" "seconds" "$@"; min_time="$2"; shift 2 ;;
        --budget-gflop) need "$1" "GFLOP" "$@"; budget="$2"; shift 2 ;;
        --note) need "$1" "a sentence" "$@"; note="$2"; shift 2 ;;
        --convlab) need "$1" "a path" "$@"; convlab="$2"; shift 2 ;;
        --resume) resume=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        *) die "unknown option: $1 (convlab's own arguments go after --)" ;;
    esac
done
convlab_args=("$@")
[[ $count -ge 1 ]] || die "--count needs at least 1"
[[ -x "$convlab" ]] || die "no convlab binary at $convlab (build it, or give --convlab PATH)"
for arg in "${convlab_args[@]}"; do
    case "$arg" in
        --csv|--csv=*|--json|--json=*|--resume|--batch|--batch=*|--problem|--problem=*|--mb|--mb=*)
            die "$arg is set by the sweep itself" ;;
    esac
done

python=/usr/bin/python3
[[ -x "$python" ]] || python="$(command -v python3)"
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$repo/build/python"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE  # would skew the bench (see README)
mkdir -p "$out"
sample="$out/sample.shapes"
step() { echo "corpus_sweep.sh: [$1/5] $2" >&2; }

if [[ $resume -eq 0 || ! -s "$sample" ]]; then
    step 1 "draw $count layers of $set_name (seed $seed)"
    "$python" "$repo/scripts/corpus_sample.py" "$set_name" --count "$count" --seed "$seed" > "$sample.tmp" \
        || { rm -f "$sample.tmp"; exit 2; }
    mv "$sample.tmp" "$sample"
    rm -f "$out"/validate.csv "$out"/validate.meta.json "$out"/validate.done "$out"/bench.csv "$out"/bench.json "$out"/bench.meta.json
else
    step 1 "sample kept ($sample)"
fi

status=0
start=$SECONDS
step 2 "bench at mb 1 ($repetitions repetitions of at least $min_time s)"
bench_resume=()
[[ $resume -eq 1 && -s "$out/bench.csv" ]] && bench_resume=(--resume)
code=0
"$convlab" bench --batch "$sample" --mb 1 --repetitions "$repetitions" --min-time "$min_time" \
    --budget-gflop "$budget" --csv "$out/bench.csv" "${bench_resume[@]}" "${convlab_args[@]}" || code=$?
[[ $code -le 1 ]] || exit "$code"
[[ $code -eq 0 ]] || status=1
echo "corpus_sweep.sh: bench took $((SECONDS - start)) s" >&2

start=$SECONDS
if [[ $resume -eq 1 && -e "$out/validate.done" ]]; then
    step 3 "validate kept ($out/validate.csv)"
else
    step 3 "validate at mb 1"
    code=0
    "$convlab" validate --batch "$sample" --mb 1 --budget-gflop "$budget" --csv "$out/validate.csv" \
        "${convlab_args[@]}" || code=$?
    [[ $code -le 1 ]] || exit "$code"
    [[ $code -eq 0 ]] || status=1
    touch "$out/validate.done"  # validate writes its metadata first: this says it ended
    echo "corpus_sweep.sh: validate took $((SECONDS - start)) s" >&2
fi

step 4 "pick"
"$convlab" pick "$out/bench.csv" --plan "$out/plan.json" > "$out/pick.txt"
step 5 "summary"
"$python" "$repo/scripts/corpus_summary.py" --bench "$out/bench.csv" --plan "$out/plan.json" \
    --validate "$out/validate.csv" --sample "$sample" --note "$note" --out "$out/SUMMARY.md"
echo "corpus_sweep.sh: $out/SUMMARY.md"
exit "$status"
