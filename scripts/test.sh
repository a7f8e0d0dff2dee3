#!/usr/bin/env bash
# Installs what is missing, builds convlab (Release) in build/, and runs every
# test: the Catch2 unit tests and the command-line tests, through ctest.
#
#   scripts/test.sh
#   CONVLAB_BUILD_DIR=build-mine scripts/test.sh   # another build directory
#
# Each step is a function, so further builds (sanitizers, fuzzing) can be
# added beside build_and_test_release and called from main.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"

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

build_and_test_release() {
    local build_dir="${CONVLAB_BUILD_DIR:-$root/build}"
    configure "$build_dir" Release
    build "$build_dir"
    run_tests "$build_dir"
}

main() {
    setup
    build_and_test_release
}

main "$@"
