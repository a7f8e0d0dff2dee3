#!/usr/bin/env bash
# How well `convlab pick --predict` chooses without timing: fits the cost
# model on bench runs of some bundled shape sets and scores it on runs of
# others it never saw (held out), against the oracle plan of their measured
# times: the fraction of the oracle's saving over the best single algorithm
# that the predicted plan keeps, and the per-cell agreement.
#
#   scripts/cost_model_eval.sh                    train resnet_50, evaluate googlenet_v1 and vgg_19
#   TRAIN="resnet_50 mobilenet" EVAL="vgg_19" scripts/cost_model_eval.sh
#
# Short runs, for a shared machine: minibatch MB (1), layers up to MAX_GFLOP
# (0.5) GFLOP, 3 repetitions of at least 10 ms, THREADS (1) thread: a single
# thread is what a machine busy with other people's builds disturbs least.
# Runs already in OUT (results/cost_model) are reused (bench --resume), so a
# second call only refits and rescores.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
build="${BUILD:-build}"
out="${OUT:-results/cost_model}"
train="${TRAIN:-resnet_50}"
eval_sets="${EVAL:-googlenet_v1 vgg_19}"
mb="${MB:-1}"
threads="${THREADS:-1}"
max_gflop="${MAX_GFLOP:-0.5}"
python="${PYTHON:-/usr/bin/python3}"  # with matplotlib, for the winners plots
mkdir -p "$out"

bench() {  # SET: results of one shape set in $out/SET.csv
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$build/convlab" bench --batch "$1" --mb "$mb" \
        --threads "$threads" --max-gflop "$max_gflop" --budget-gflop 0.01 --repetitions 3 --min-time 0.01 \
        --csv "$out/$1.csv" --resume
}

train_csvs=()
for set in $train; do
    bench "$set"
    train_csvs+=("$out/$set.csv")
done
"$build/convlab" pick --fit "${train_csvs[@]}" --model "$out/model.json"

for set in $eval_sets; do
    bench "$set"
    echo "== $set: measured plan"
    "$build/convlab" pick "$out/$set.csv" --plan "$out/$set.plan.json"
    "$python" scripts/plot_winners.py "$out/$set.plan.json" "$out/$set.winners.png"
    echo "== $set: predicted by the model fitted on $train"
    "$build/convlab" pick "$out/$set.csv" --predict --model "$out/model.json" --plan "$out/$set.predicted.json"
    "$python" scripts/plot_winners.py "$out/$set.predicted.json" "$out/$set.predicted.png"
done
