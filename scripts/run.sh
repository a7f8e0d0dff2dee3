#!/usr/bin/env bash
# The main job: installs what is missing, builds convlab (Release) in build/,
# benchmarks every registered algorithm in all three directions over the
# ResNet-50 layers at minibatch 8 on all cores, and plots the result.
#
#   scripts/run.sh              a fresh run (8.1 minutes in all on a 2-core AMD EPYC VM:
#                               the bench 7.4, the 1-thread pass 0.6, plus build and plots)
#   scripts/run.sh --resume     carry on after an interruption (Ctrl-C stops cleanly)
#
# Extra arguments go to `convlab bench`. Output: results/resnet_50.csv (tidy,
# one row per algorithm x direction x layer), results/resnet_50.json (Google
# Benchmark's raw JSON), results/resnet_50.meta.json (machine, libraries,
# commit), results/*.png and results/SUMMARY.md.
#
# Settings, chosen to finish within 20 minutes on a 2-core machine:
#   --repetitions 5 --min-time 0.05   median and min of 5 repetitions, each at
#                                     least 50 ms (a ResNet-50 layer at mb 8 takes
#                                     2-20 ms a call with the GEMM, Winograd and oneDNN
#                                     algorithms, so a repetition is 3-25 calls); five,
#                                     because the shared machine has spells of noise
#                                     that can move a median of three
#   --check-mb 2                      the correctness check runs each layer at mb 2
#                                     (the double-precision reference at mb 8 would
#                                     take most of the budget); the CSV says so (check_mb)
#   --budget-gflop 0.5                naive and reference (0.2-0.5 GFLOP/s) run only on
#                                     the 4 layers of at most 0.5 GFLOP at mb 8, and are
#                                     skipped with the reason on the others
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed so OpenBLAS picks its kernel
# for this CPU itself; the metadata records what it chose.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# The Debian python3 has matplotlib and numpy (setup.sh); one found first on
# PATH (pyenv, a virtualenv) may not.
python_for_plots() {
    if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target convlab

mkdir -p results
start=$(date +%s)
status=0
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/convlab bench \
    --batch resnet_50 --mb 8 --threads "$(nproc)" \
    --repetitions 5 --min-time 0.05 --check-mb 2 --budget-gflop 0.5 \
    --csv results/resnet_50.csv "$@" || status=$?
echo "run.sh: bench took $(( $(date +%s) - start ))s (exit status $status)"

# Thread scaling (issue 5's 2-over-1-thread target): the two GEMM-heavy
# forward algorithms again at 1 thread, into a CSV of their own that the plots
# and SUMMARY.md read beside the main one.
if [[ "$(nproc)" -gt 1 && ( $status -eq 0 || $status -eq 1 ) ]]; then
    start=$(date +%s)
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/convlab bench \
        --batch resnet_50 --mb 8 --threads 1 --algo im2col_gemm --algo winograd_f2x3 --dir fwd \
        --repetitions 5 --min-time 0.05 --check-mb 2 \
        --csv results/resnet_50_1thread.csv "$@" || status=$?
    echo "run.sh: 1-thread scaling bench took $(( $(date +%s) - start ))s (exit status $status)"
fi

# 1: a check FAILED (the rows say which); 130: interrupted. Both still plot what is there.
if [[ $status -ne 0 && $status -ne 1 && $status -ne 130 ]]; then
    exit "$status"
fi
scaling=()
[[ -f results/resnet_50_1thread.csv ]] && scaling=(results/resnet_50_1thread.csv)
"$(python_for_plots)" scripts/plot.py results/resnet_50.csv "${scaling[@]}"

cat <<EOF
run.sh: results in $root/results/
  resnet_50.csv        tidy results, one row per algorithm x direction x layer
  resnet_50_1thread.csv  im2col_gemm and winograd_f2x3 fwd at 1 thread (thread scaling)
  resnet_50.json       Google Benchmark's raw JSON
  resnet_50.meta.json  machine, compiler, OpenBLAS/oneDNN, commit, command line
  SUMMARY.md           geometric means, winners per layer, accuracy, targets
  *.png                plots
EOF
exit "$status"
