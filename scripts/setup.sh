#!/usr/bin/env bash
# Installs the Debian 12 packages convlab needs, only those missing.
# Every dependency is a Debian package; nothing is downloaded at build time.
#
#   scripts/setup.sh            # what building and testing need
#   scripts/setup.sh --slurm    # also Slurm and MUNGE, for scripts/slurm_local.sh
set -euo pipefail

packages=(
    build-essential cmake pkg-config git python3
    libopenblas-openmp-dev   # GEMM (OpenMP build)
    libbenchmark-dev         # timing
    catch2                   # tests (v2)
    libdnnl-dev              # oneDNN baseline
    ocl-icd-opencl-dev       # dnnl-config.cmake requires OpenCL (only a Recommends of libdnnl-dev)
    libcli11-dev             # command line
    nlohmann-json3-dev       # JSON metadata and raw results
    libfmt-dev               # formatting
    libcpuinfo-dev           # CPU model, ISA flags, caches
    libtorch-dev             # PyTorch baseline (ATen through libtorch; optional: CONVLAB_TORCH)
    libfftw3-dev             # FFT convolution (fftw3f)
    libxsmm-dev              # LIBXSMM baseline (libxsmm_dnn direct convolution)
    libxnnpack-dev libpthreadpool-dev  # XNNPACK baseline (indirect convolution, NHWC)
    python3-torch python3-torchvision  # PyTorch from Python: the torch baseline's cross-check
    python3-matplotlib python3-numpy   # plots, CLI tests
    python3-scipy                      # the plots' and tests' statistics
    pybind11-dev python3-dev python3-pytest   # the Python module and its tests
    clang libclang-rt-14-dev           # fuzzing and sanitizers
)
# Optional, not installed by default: a one-node cluster to try slurm_sweep.sh.
slurm_packages=(slurm-wlm munge)

# A package counts as present only when dpkg has it fully installed.
missing_packages() {
    local package
    for package in "${packages[@]}"; do
        if [[ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]]; then
            echo "$package"
        fi
    done
}

# Runs a command as root: directly, or through sudo when available.
as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo DEBIAN_FRONTEND=noninteractive "$@"
    else
        echo "setup.sh: need root (or sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
}

main() {
    case "${1:-}" in
        "") ;;
        --slurm) packages+=("${slurm_packages[@]}") ;;
        *) echo "setup.sh: unknown option: $1 (--slurm or nothing)" >&2; exit 2 ;;
    esac
    mapfile -t missing < <(missing_packages)
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "all dependencies present"
        return 0
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends "${missing[@]}"
}

main "$@"
