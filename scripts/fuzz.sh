#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang, no CMake) into build-fuzz/, then runs each
# for SECONDS (default 60) on a working copy of its committed seed corpus.
# Exits non-zero if any target crashes, leaks, times out or trips a sanitizer.
#
#   scripts/fuzz.sh [SECONDS]        CXX=clang++-14 scripts/fuzz.sh 20
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-fuzz"
cxx="${CXX:-clang++}"
command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cxxflags=(-std=c++20 -g -O1 $sanitize -I"$root")
library_sources=(algorithms/problem.cpp algorithms/tensor.cpp harness/io/npy.cpp harness/io/shape_file.cpp
                 harness/io/atomic_file.cpp harness/io/paths.cpp algorithms/settings.cpp)
targets=(fuzz_descriptor fuzz_shape_file fuzz_npy)
declare -A max_len=([fuzz_descriptor]=256 [fuzz_shape_file]=4096 [fuzz_npy]=4096)
declare -A dictionary=([fuzz_descriptor]=descriptor [fuzz_shape_file]=shape_file [fuzz_npy]=npy)

mkdir -p "$out/obj"
objects=()
for source in "${library_sources[@]}"; do
    object="$out/obj/$(basename "$source" .cpp).o"
    # Instrumented for coverage, without libFuzzer's main.
    "$cxx" "${cxxflags[@]}" -fsanitize=fuzzer-no-link -c "$root/$source" -o "$object"
    objects+=("$object")
done
for target in "${targets[@]}"; do
    "$cxx" "${cxxflags[@]}" -fsanitize=fuzzer "$root/fuzz/$target.cpp" "${objects[@]}" -lfmt -o "$out/$target"
done

status=0
for target in "${targets[@]}"; do
    corpus="$out/corpus/$target"         # grows from run to run; the committed seeds stay small
    artifacts="$out/artifacts/$target/"
    scratch="$out/tmp/$target"           # the targets' temporary files (TMPDIR)
    rm -rf "$artifacts"                  # only this run's findings
    mkdir -p "$corpus" "$artifacts" "$scratch"
    cp -n "$root/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
    echo "== $target: ${seconds}s"
    if ! TMPDIR="$scratch" "$out/$target" "$corpus" \
            -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="${max_len[$target]}" -timeout=20 \
            -dict="$root/fuzz/dict/${dictionary[$target]}.dict" -artifact_prefix="$artifacts" \
            -print_final_stats=1 > "$out/$target.log" 2>&1; then
        echo "!! $target failed: see $out/$target.log and $artifacts" >&2
        grep -E -m5 'ERROR|runtime error|SUMMARY|abort|leak' "$out/$target.log" >&2 || true
        status=1
    else
        grep -E '^stat::(number_of_executed_units|new_units_added)|cov: ' "$out/$target.log" | tail -3
    fi
    rm -rf "$scratch"
done
exit $status
