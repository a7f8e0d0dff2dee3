#!/usr/bin/env bash
# The data study: how much each algorithm's time depends on the values it
# runs on and on flushing denormals. Six layers (ResNet-50's 7x7 stem, a 3x3,
# a 1x1 and a strided 1x1; two MobileNet depthwise layers, stride 1 and 2),
# every fast algorithm and baseline, all three directions, with --data
# uniform, relu and denormal (0.1 of x, w and dy subnormal), each with --ftz
# off and on: six benches into results/data/CPU/, then the ratios to uniform
# with FTZ off (data_study.md, data_study.json, which SUMMARY.md's "data"
# section reads) and PyTorch timed from Python on the same data as a
# cross-check of the torch rows.
#
#   scripts/data_study.sh [--resume] [--mb N] [--threads N] [--out DIR]
#
# Trimmed to stay near 30 minutes on 2 cores (outside run.sh, which it would
# push past its budget): minibatch 2 (the other sets' mb 8 makes every subnormal
# case four times longer, and subnormal cases run up to 100x slower than
# uniform ones), 3 repetitions of at least 20 ms, the check at mb 1, and the
# slow algorithms (naive, reference, stride_view) left out. OPENBLAS_CORETYPE
# and OPENBLAS_L2_SIZE are removed so OpenBLAS picks its kernel itself.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mb=2 threads="$(nproc)" out="" resume=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --mb) mb="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --resume) resume=(--resume); shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "data_study.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

# results/data/<cpu model, lower case, words joined by _>/
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1 | tr 'A-Z' 'a-z' |
       sed 's/([^)]*)//g; s/cpu\|processor\|@//g; s/[^a-z0-9.]\+/_/g; s/^_//; s/_$//')"
out="${out:-results/data/${cpu:-unknown_cpu}}"
mkdir -p "$out"

[[ -x build/convlab ]] || cmake --build build -j"$(nproc)" --target convlab _convlab

layers=()
for name in 'resnet_50:conv1"' 'resnet_50:res2a_branch2b' 'resnet_50:res4a_branch2c' 'resnet_50:res3a_branch1"' \
            'mobilenet_v1:conv_dw_3"' 'mobilenet_v1:conv_dw_4"'; do
    line="$(grep -h -m1 "n\"$name" shapes/resnet_50 shapes/mobilenet_dw)"
    [[ -n "$line" ]] || { echo "data_study.sh: layer $name not found in shapes/" >&2; exit 1; }
    layers+=(--problem "$line")
done
algos=()
for a in im2col_gemm winograd_f4x3 fft direct direct_native indirect onednn onednn_native onednn_winograd \
         xnnpack libxsmm torch; do
    algos+=(--algo "$a")
done

for data in uniform relu denormal:0.1; do
    for ftz in off on; do
        csv="$out/${data%%:*}_ftz_${ftz}.csv"
        echo "== --data $data --ftz $ftz -> $csv" >&2
        # Exit 1 means FAILED rows: a finding the report counts, not a stop; 2 is bad input.
        code=0
        env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/convlab bench "${layers[@]}" "${algos[@]}" \
            --mb "$mb" --threads "$threads" --repetitions 3 --min-time 0.02 --check-mb 1 \
            --data "$data" --ftz "$ftz" --csv "$csv" "${resume[@]}" || code=$?
        [[ $code -le 1 ]] || exit "$code"
    done
done

PYTHONPATH=build/python /usr/bin/python3 scripts/data_study.py "$out" --crosscheck-torch
