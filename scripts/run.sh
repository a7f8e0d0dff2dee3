#!/usr/bin/env bash
# The main job: installs what is missing, builds convlab (Release) in build/,
# benchmarks every registered algorithm in all three directions over the
# ResNet-50 layers at minibatch 8 on all cores, then the depthwise layers of
# MobileNet v1/v2 (mobilenet_dw), AlexNet's and GoogLeNet's large kernels
# (where FFT may win), VGG-19's 3x3 layers with the transform methods and
# their peers; then the per-layer plan (`convlab pick`), the cost
# model's held-out scores, the training study, and plots.
#
#   scripts/run.sh              a fresh run
#   scripts/run.sh --resume     carry on after an interruption (Ctrl-C stops cleanly)
#
# Extra arguments go to every `convlab bench`. Output in results/: for each
# set NAME, NAME.csv (tidy, one row per algorithm x direction x layer),
# NAME.json (raw results: Google Benchmark's record of every repetition, JSON lines), NAME.meta.json
# (machine, its measured peak, the algorithms' metadata, libraries, commit);
# from resnet_50, the plots and SUMMARY.md; SUMMARY_mobilenet_dw.md,
# SUMMARY_alexnet.md, SUMMARY_googlenet_v1.md and SUMMARY_vgg_19.md beside it,
# each with the targets of scripts/targets/SET.json where there is one.
#
# Settings, chosen to finish within 30 minutes on a 2-core machine:
#   --repetitions 5 --min-time 0.05   median of 5 repetitions of at least 50 ms
#                                     each (a ResNet-50 layer at mb 8 takes 2-20 ms
#                                     with the fast algorithms: 3-25 calls a
#                                     repetition); five, because the shared machine
#                                     has spells of noise that move a median of three
#                                     (GoogLeNet's 51 layers: 3 of at least 20 ms)
#   --check-mb 2                      the correctness check runs each layer at mb 2
#                                     (the double-precision reference at mb 8 would
#                                     take most of the budget); the CSV says so
#   --budget-gflop 0.2                the slow algorithms (naive, reference:
#                                     `slow` in `convlab list --json`) run only on
#                                     layers of at most 0.2 GFLOP at mb 8 (at 0.5
#                                     they took 45-50% of the ResNet-50 and GoogLeNet
#                                     benches; the room went to the LIBXSMM, XNNPACK
#                                     and oneDNN Winograd baselines and the cross-check)
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed so OpenBLAS picks its kernel
# for this CPU itself; the metadata records what it chose.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# The Debian python3 has matplotlib, numpy and scipy (setup.sh); one found
# first on PATH (pyenv, a virtualenv) may not.
python_for_plots() {
    if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$(python_for_plots)"
# convlab; the Python module and the standalone programs the baselines' cross-check runs.
cmake --build build -j"$(nproc)" --target convlab _convlab crosscheck_programs

mkdir -p results
status=0
# bench SET REPETITIONS MIN_TIME [bench arguments...]: one set into
# results/SET.csv, its time said.
bench() {
    local set="$1" repetitions="$2" min_time="$3" start=$SECONDS code=0
    shift 3
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/convlab bench --batch "$set" --mb 8 \
        --threads "$(nproc)" --repetitions "$repetitions" --min-time "$min_time" --check-mb 2 --budget-gflop 0.2 \
        --csv "results/$set.csv" "$@" || code=$?
    echo "run.sh: bench $set took $((SECONDS - start))s (exit status $code)"
    # 1: a check FAILED (the rows say which); 130: interrupted. Both still plot what is there.
    if [[ $code -ne 0 && $code -ne 1 && $code -ne 130 ]]; then exit "$code"; fi
    if [[ $code -ne 0 && $status -eq 0 ]]; then status=$code; fi
    return 0
}

bench resnet_50 5 0.05 "$@"
# Each baseline's ResNet-50 rows against its library run on its own, right
# after the bench that timed them (crosscheck_baselines.py says how).
start=$SECONDS
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$(python_for_plots)" scripts/crosscheck_baselines.py \
    results/resnet_50.csv --out results/crosscheck --repetitions 3 --min-time 0.05 || status=$?
echo "run.sh: crosscheck took $((SECONDS - start))s"
bench mobilenet_dw 5 0.05 "$@"
bench alexnet 5 0.05 "$@"
bench googlenet_v1 3 0.02 "$@"
# VGG-19 for the fast algorithms' targets only: its nine distinct 3x3 layers
# are 2-30 GFLOP each at mb 8, so every algorithm in every direction would
# double run.sh's time; the Winograd tiles, fft, direct_native and oneDNN's
# direct and Winograd kernels are what its targets compare (3 repetitions).
bench vgg_19 3 0.02 --algo winograd_f2x3 --algo winograd_f4x3 --algo winograd_f6x3 --algo fft \
    --algo direct_native --algo onednn_native --algo onednn_winograd "$@"

# The network's plan and totals from the ResNet-50 rows, and the cost model
# scored on sets it was not fitted on: each set in turn held out, the model
# fitted on the other three (pick_and_cost_model.sh says how), and the
# winners plot drawn from the plan (pick writes data only).
python="$(python_for_plots)"
PYTHON="$python" scripts/pick_and_cost_model.sh results resnet_50 mobilenet_dw alexnet googlenet_v1

# Training through each algorithm on two real layers beside a float64 run
# (about 3 minutes on 2 cores): the final losses, the divergence, and whether
# the per-call error ranks the algorithms as training does.
start=$SECONDS
PYTHONPATH=build/python "$python" scripts/training_study.py --out results/training/study.md || status=$?
echo "run.sh: training study took $((SECONDS - start))s"
# SUMMARY.md's winners are pick's (its plan JSON), not decided again by the scripts.
# Its "data" sections are the data studies committed per CPU (scripts/data_study.sh,
# run apart: it would push run.sh past its budget).
data_studies=()
for study in results/data/*/data_study.md; do
    [[ -f "$study" ]] && data_studies+=(--append "$study")
done
"$python" scripts/plot.py results/resnet_50.csv --targets scripts/targets/resnet_50.json \
    --plan results/resnet_50.plan.json --append results/pick.md --append results/cost_model.md --append results/crosscheck.md \
    --append results/training/study.md "${data_studies[@]}"
for set in mobilenet_dw alexnet googlenet_v1 vgg_19; do
    mkdir -p "build/plots_$set"
    build/convlab pick "results/$set.csv" --plan "build/plots_$set/plan.json" > "build/plots_$set/pick.txt"
    targets=()
    [[ -f "scripts/targets/$set.json" ]] && targets=(--targets "scripts/targets/$set.json")
    "$python" scripts/plot.py "results/$set.csv" --out "build/plots_$set" --plan "build/plots_$set/plan.json" \
        "${targets[@]}"
    cp "build/plots_$set/SUMMARY.md" "results/SUMMARY_$set.md"
done

cat <<EOF2
run.sh: results in $root/results/
  resnet_50.csv, mobilenet_dw.csv, alexnet.csv, googlenet_v1.csv, vgg_19.csv
                        tidy results, one row per algorithm x direction x layer
  *.json                raw results: every repetition, Google Benchmark's records as JSON lines
  *.meta.json           machine and measured peak, algorithms, libraries, commit, command line
  SUMMARY.md            ResNet-50: speeds, peak fractions, winners, layer classes, accuracy, targets
  SUMMARY_*.md          the same for the depthwise, AlexNet, GoogLeNet and VGG-19 sets
  crosscheck.md, crosscheck.csv
                        each baseline's ResNet-50 rows against its library run on its own
  pick.md, cost_model.md, *.plan.json, winners*.png
                        convlab pick: the plan, the network totals, the cost model's held-out scores;
                        the winners drawn from the plan by plot_winners.py
  training/study.md     training through each algorithm beside a float64 run
  data/CPU/             the data study (scripts/data_study.sh), appended to SUMMARY.md
  *.png                 plots (heatmaps, rooflines, GFLOP/s per layer, workspace, ...)
EOF2
exit "$status"
