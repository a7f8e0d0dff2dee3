#!/usr/bin/env bash
# Validation at full scale: every bundled shape set at minibatch 2 (--mb), every
# registered algorithm, all three directions, checked element by element
# against the double-precision reference (`convlab validate`). Output in
# results/validation/: SET.csv and SET.meta.json per set, and SUMMARY.md with
# the counts of PASSED / FAILED / SKIPPED by reason.
#
#   scripts/validate_full.sh                  every set, all cores
#   scripts/validate_full.sh --shard 3/8      the third of 8 disjoint shards of every set
#                                             (SET.shard3of8.csv; join with --merge)
#   scripts/validate_full.sh --merge          join the shard CSVs of every set, then summarise
#
#   --out DIR          output directory (default results/validation)
#   --sets "A B ..."   only these sets (default: every bundled set)
#   --budget-gflop G   the budget of the slow plain loops (default 0.2; see below)
#   --mb N             the minibatch of every problem (default 2)
#   --convlab PATH     the binary (default build/convlab, built if missing)
#
# A set whose CSV is complete (SET.done beside it) is not run again, so an
# interrupted sweep carries on where it stopped; delete the directory to start
# over. Extra arguments after -- go to every `convlab validate`.
#
# Budget: only the slow algorithms (`slow` in `convlab list --json`: naive,
# well under 1 GFLOP/s; `validate` leaves out `reference`, the plain loops)
# are skipped on problems above G GFLOP at mb 2: every other algorithm runs on
# every layer. The
# checker's own yardstick is the im2col + dgemm reference, which the unit
# tests hold to the plain loops exactly on integer data.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/results/validation"
sets=""
budget=0.2
mb=2
convlab="$root/build/convlab"
shard=""
merge=0
extra=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "validate_full.sh: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) out="${2:?--out needs a directory}"; shift 2 ;;
        --sets) sets="${2:?--sets needs a list}"; shift 2 ;;
        --budget-gflop) budget="${2:?--budget-gflop needs a number}"; shift 2 ;;
        --mb) mb="${2:?--mb needs a number}"; shift 2 ;;
        --convlab) convlab="${2:?--convlab needs a path}"; shift 2 ;;
        --shard) shard="${2:?--shard needs K/N}"; shift 2 ;;
        --merge) merge=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) usage >&2; die "unknown option '$1'" ;;
    esac
done
[[ -z "$shard" || "$shard" =~ ^[1-9][0-9]*/[1-9][0-9]*$ ]] || die "--shard takes K/N, e.g. 2/8 (got '$shard')"

if [[ "$convlab" == "$root/build/convlab" && ! -x "$convlab" ]]; then
    cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release
    cmake --build "$root/build" -j"$(nproc)" --target convlab
fi
[[ -x "$convlab" ]] || die "no convlab binary at $convlab"
if [[ -z "$sets" ]]; then
    sets="$(ls "$root/shapes" | grep -v -e '^LICENSE' -e '\.md$' | tr '\n' ' ')"
fi
mkdir -p "$out"

summarise() {
    python3 "$root/scripts/validation_summary.py" --out "$out/SUMMARY.md" \
        $(for set in $sets; do echo "$out/$set.csv"; done)
    cat "$out/SUMMARY.md"
}

if ((merge)); then
    for set in $sets; do
        "$convlab" merge "$out/$set".shard*.csv --out "$out/$set.csv"
    done
    summarise
    exit 0
fi

status=0
start_all=$SECONDS
for set in $sets; do
    name="$set"
    shard_args=()
    if [[ -n "$shard" ]]; then
        name="$set.shard${shard%/*}of${shard#*/}"
        shard_args=(--shard "$shard")
    fi
    if [[ -e "$out/$name.done" ]]; then
        echo "validate_full.sh: $name already done"
        continue
    fi
    start=$SECONDS code=0
    "$convlab" validate --batch "$set" --mb "$mb" --budget-gflop "$budget" --csv "$out/$name.csv" \
        "${shard_args[@]}" "${extra[@]}" > "$out/$name.log" 2>&1 || code=$?
    tail -n 1 "$out/$name.log"
    echo "validate_full.sh: $name took $((SECONDS - start)) s (exit status $code)"
    # 0: all passed; 1: a case FAILED (its rows say which), the set is still complete.
    case "$code" in
        0|1) touch "$out/$name.done"; [[ $code -eq 0 ]] || status=1 ;;
        *) echo "validate_full.sh: $name stopped (see $out/$name.log)" >&2; exit "$code" ;;
    esac
done
echo "validate_full.sh: every set in $((SECONDS - start_all)) s"
if [[ -z "$shard" ]]; then summarise; fi
exit "$status"
