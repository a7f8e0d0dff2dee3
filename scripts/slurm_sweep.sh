#!/usr/bin/env bash
# Runs one `convlab validate` or `convlab bench` sweep as a Slurm job array,
# one shard per task (--shard K/N, each case in exactly one shard), then a
# job that waits for every shard (afterok) and joins them with `convlab merge`.
# Works on any Slurm cluster where the convlab build and the output directory
# are on a file system every node sees (the jobs run the same binary and write
# beside each other); scripts/slurm_local.sh gives a one-node cluster to try it.
#
#   scripts/slurm_sweep.sh validate|bench [OPTIONS] -- CONVLAB_ARGS...
#
#   --shards N        tasks in the array, one shard each (default 4)
#   --out DIR         shard_K.csv, merged.csv and the job logs (default build-slurm/sweep)
#   --cpus C          CPUs per task; convlab gets --threads C unless the
#                     arguments say --threads themselves (default 1)
#   --max-running M   at most M tasks at a time (sbatch --array=1-N%M)
#   --convlab PATH    the binary (default build/convlab of this repository)
#   --sbatch ARG      passed to both sbatch calls; repeatable, e.g.
#                     --sbatch=--partition=cpu --sbatch=--exclusive (bench timings
#                     want a node to themselves)
#   --allow-mixed     passed to merge: join shards of different CPU models too
#   --wait            block until the merge ends; print its summary line and
#                     exit with its status (0 all passed, 1 a case failed)
#
# A shard whose cases ran but some FAILED (convlab exit status 1) still counts
# as done, so that the merge runs and reports the failures; any other error
# fails the task, and the merge job is then cancelled (--kill-on-invalid-dep).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shards=4
out="$repo/build-slurm/sweep"
cpus=1
max_running=""
convlab="$repo/build/convlab"
sbatch_args=()
merge_args=()
wait_for_merge=0

usage() { sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "slurm_sweep.sh: $*" >&2; exit 2; }
positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 needs a whole number of at least 1, not '$2'"; }

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
case "$1" in
    -h|--help) usage; exit 0 ;;
    validate|bench) command="$1"; shift ;;
    *) die "the first argument is validate or bench, not '$1' (see --help)" ;;
esac
while [[ $# -gt 0 ]]; do
    case "$1" in
        --shards) [[ $# -ge 2 ]] || die "--shards needs a number"; positive --shards "$2"; shards="$2"; shift 2 ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a directory"; out="$2"; shift 2 ;;
        --cpus) [[ $# -ge 2 ]] || die "--cpus needs a number"; positive --cpus "$2"; cpus="$2"; shift 2 ;;
        --max-running) [[ $# -ge 2 ]] || die "--max-running needs a number"
                       positive --max-running "$2"; max_running="%$2"; shift 2 ;;
        --convlab) [[ $# -ge 2 ]] || die "--convlab needs a path"; convlab="$2"; shift 2 ;;
        --sbatch=*) sbatch_args+=("${1#--sbatch=}"); shift ;;
        --sbatch) [[ $# -ge 2 ]] || die "--sbatch needs an argument"; sbatch_args+=("$2"); shift 2 ;;
        --allow-mixed) merge_args+=(--allow-mixed); shift ;;
        --wait) wait_for_merge=1; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        *) die "unknown option: $1 (convlab's own arguments go after --)" ;;
    esac
done
convlab_args=("$@")
threads_given=0
for arg in "${convlab_args[@]}"; do
    case "$arg" in
        --shard|--shard=*|--csv|--csv=*|--json|--json=*|--resume) die "$arg is set by the sweep itself" ;;
        --threads|--threads=*) threads_given=1 ;;
    esac
done
[[ $threads_given -eq 1 ]] || convlab_args+=(--threads "$cpus")

[[ -x "$convlab" ]] || die "no convlab binary at $convlab (build it, or give --convlab PATH)"
convlab="$(cd "$(dirname "$convlab")" && pwd)/$(basename "$convlab")"
command -v sbatch >/dev/null || die "sbatch not found: not on a Slurm cluster (scripts/slurm_local.sh start?)"
sinfo -h >/dev/null 2>&1 || die "no Slurm controller answers sinfo (for scripts/slurm_local.sh: export SLURM_CONF=DIR/slurm.conf)"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"
# The merged files are about to be replaced: none from an earlier sweep may
# pass for this one's if the merge does not run.
rm -f "$out/merged.csv" "$out/merged.meta.json"

# The job scripts are written into the output directory, to be read or rerun.
# shellcheck disable=SC2016  # single-quoted: the job script's own variables
{
    echo '#!/usr/bin/env bash'
    echo "# One shard of: convlab $command $(printf '%q ' "${convlab_args[@]}")"
    echo 'k=$SLURM_ARRAY_TASK_ID'
    echo 'export OMP_NUM_THREADS='"$cpus"' OPENBLAS_NUM_THREADS='"$cpus"
    # Set by some OpenBLAS setups; they would skew the bench (see README).
    echo 'unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE'
    printf '%q %q ' "$convlab" "$command"
    printf '%q ' "${convlab_args[@]}"
    printf -- '--shard "$k/%d" --csv %q/shard_"$k".csv\n' "$shards" "$out"
    echo 'status=$?'
    printf 'if [[ $status -eq 1 && -s %q/shard_"$k".csv ]]; then\n' "$out"
    echo '    echo "shard $k: some cases FAILED; the merge reports them"; exit 0'
    echo 'fi'
    echo 'exit $status'
} > "$out/shard.sh"
{
    echo '#!/usr/bin/env bash'
    printf '%q merge ' "$convlab"
    for ((k = 1; k <= shards; k++)); do printf '%q ' "$out/shard_$k.csv"; done
    printf -- '--out %q ' "$out/merged.csv"
    [[ ${#merge_args[@]} -eq 0 ]] || printf '%q ' "${merge_args[@]}"
    echo
} > "$out/merge.sh"
chmod +x "$out/shard.sh" "$out/merge.sh"

array_job="$(sbatch --parsable "${sbatch_args[@]}" --job-name="convlab-$command" --array="1-$shards$max_running" \
    --cpus-per-task="$cpus" --output="$out/logs/shard_%a.out" --chdir="$out" "$out/shard.sh")"
array_job="${array_job%%;*}"
merge_job="$(sbatch --parsable "${sbatch_args[@]}" --job-name="convlab-merge" --dependency="afterok:$array_job" \
    --kill-on-invalid-dep=yes --output="$out/logs/merge.out" --chdir="$out" "$out/merge.sh")"
merge_job="${merge_job%%;*}"
echo "submitted: shards job array $array_job (1-$shards), merge job $merge_job; output in $out"
[[ $wait_for_merge -eq 1 ]] || exit 0

# Polls the controller (accounting may be absent, so no sacct). A finished job
# stays known to scontrol for MinJobAge (300 s by default): ample at this rate.
state=""
while true; do
    info="$(scontrol show job -o "$merge_job" 2>/dev/null || true)"
    state="$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<< "$info")"
    case "$state" in
        PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED|"") ;;
        *) break ;;
    esac
    [[ -n "$info" ]] || { echo "slurm_sweep.sh: merge job $merge_job is unknown to scontrol" >&2; exit 3; }
    sleep 5
done
exit_code="$(sed -n 's/.* ExitCode=\([0-9]*\):.*/\1/p' <<< "$info")"
if [[ "$state" == COMPLETED || ( "$state" == FAILED && "$exit_code" == 1 ) ]]; then
    grep '^merged ' "$out/logs/merge.out" || cat "$out/logs/merge.out"
    exit "${exit_code:-0}"
fi
echo "slurm_sweep.sh: merge job $merge_job ended $state (exit ${exit_code:-?}); the shards not done:" >&2
scontrol show job -o "$array_job" 2>/dev/null | grep -v 'JobState=COMPLETED' \
    | sed -n 's/.*ArrayTaskId=\([0-9]*\) .*JobState=\([A-Z_]*\) .* ExitCode=\([0-9]*\):.*/  shard \1: \2, exit \3/p' >&2
echo "logs: $out/logs/shard_K.out" >&2
exit 3
