#!/usr/bin/env bash
# Installs what is missing, then runs every check convlab has, each a step:
#
#   1. release:   Release build in build/, the whole ctest suite (Catch2 unit
#                 tests, randomized cross-validation, command-line tests);
#   2. sanitize:  the same suite built with AddressSanitizer and
#                 UndefinedBehaviorSanitizer in build-asan/, which must run
#                 clean (any report fails the test that printed it);
#   3. fuzz:      scripts/fuzz.sh, each libFuzzer target for a bounded time.
#
#   scripts/test.sh                 # all three (what CI runs)
#   scripts/test.sh --quick         # the Release suite only, for developers
#   scripts/test.sh --no-fuzz       # Release and sanitizer suites
#
# Environment: CONVLAB_BUILD_DIR / CONVLAB_ASAN_BUILD_DIR pick other build
# directories; CONVLAB_FUZZ_SECONDS (default 60) is each fuzzer's time;
# CONVLAB_SEED replays one seed of the randomized tests (see README).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

setup() {
    "$root/scripts/setup.sh"
}

# The Debian python3 is the one setup.sh gives numpy to; a python3 found first
# on PATH (pyenv, a virtualenv) may lack it.
python_for_tests() {
    if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

# configure BUILD_DIR BUILD_TYPE [extra cmake arguments...]
configure() {
    local build_dir="$1" build_type="$2"
    shift 2
    cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" \
        -DPython3_EXECUTABLE="$(python_for_tests)" "$@"
}

# build BUILD_DIR
build() {
    cmake --build "$1" -j"$jobs"
}

# run_tests BUILD_DIR
run_tests() {
    ctest --test-dir "$1" --output-on-failure -j"$jobs"
}

# step NAME COMMAND...: runs one step and says how long it took.
step() {
    local name="$1" start=$SECONDS
    shift
    echo "=== $name"
    "$@"
    echo "=== $name: done in $((SECONDS - start)) s"
}

build_and_test_release() {
    local build_dir="${CONVLAB_BUILD_DIR:-$root/build}"
    configure "$build_dir" Release -DCONVLAB_SANITIZE=OFF
    build "$build_dir"
    run_tests "$build_dir"
}

# Every test, the command-line ones included (they run the sanitized convlab),
# under ASan, UBSan and LeakSanitizer. A report stops the process with a
# non-zero status, so the test that triggered it fails. No suppressions are
# needed: OpenBLAS, OpenMP and oneDNN run clean as they are.
build_and_test_sanitized() {
    local build_dir="${CONVLAB_ASAN_BUILD_DIR:-$root/build-asan}"
    configure "$build_dir" RelWithDebInfo -DCONVLAB_SANITIZE=ON
    build "$build_dir"
    ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
        run_tests "$build_dir"
}

fuzz() {
    "$root/scripts/fuzz.sh" "${CONVLAB_FUZZ_SECONDS:-60}"
}

main() {
    local sanitize=1 fuzzing=1
    for argument in "$@"; do
        case "$argument" in
            --quick) sanitize=0; fuzzing=0 ;;
            --no-fuzz) fuzzing=0 ;;
            -h|--help) usage; return 0 ;;
            *) echo "test.sh: unknown option '$argument'" >&2; usage >&2; return 2 ;;
        esac
    done
    local start=$SECONDS
    step setup setup
    step release build_and_test_release
    if ((sanitize)); then step sanitize build_and_test_sanitized; fi
    if ((fuzzing)); then step fuzz fuzz; fi
    echo "=== all steps passed in $((SECONDS - start)) s"
}

main "$@"
