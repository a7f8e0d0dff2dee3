#!/usr/bin/env bash
# A single-node Slurm cluster on localhost, to try scripts/slurm_sweep.sh
# without a real cluster. It writes its own slurm.conf and munge key under one
# directory (default build-slurm/ in the repository) and starts munged,
# slurmctld and slurmd directly (no systemd), as root. The system's
# /etc/slurm and /etc/munge are neither read nor changed.
#
#   scripts/setup.sh --slurm                 # the Debian packages slurm-wlm, munge
#   scripts/slurm_local.sh start [--dir DIR] [--port P]
#   export SLURM_CONF=DIR/slurm.conf         # printed by start; for sinfo, sbatch...
#   scripts/slurm_local.sh status [--dir DIR]
#   scripts/slurm_local.sh stop [--dir DIR]  # cancels the jobs, stops the daemons
#
# --port P: slurmctld listens on P and slurmd on P+1 (default 6817, 6818).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$repo/build-slurm"
port=6817
partition=local

usage() { sed -n '2,/^set /{/^set /d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; }
die() { echo "slurm_local.sh: $*" >&2; exit 2; }

parse() {
    [[ $# -ge 1 ]] || { usage >&2; exit 2; }
    [[ "$1" == -h || "$1" == --help ]] && { usage; exit 0; }
    command="$1"; shift
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --dir) [[ $# -ge 2 ]] || die "--dir needs a directory"; dir="$2"; shift 2 ;;
            --port) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ && "$2" -ge 1024 && "$2" -le 65000 ]] \
                        || die "--port needs a number in 1024..65000"; port="$2"; shift 2 ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    conf="$dir/slurm.conf"
    munge_dir="$dir/munge"
    # munged wants its key private and its socket reachable by every user.
    socket="$dir/run/munge.socket.2"
}

require_tools() {
    local tool
    for tool in munged mungekey slurmctld slurmd sinfo squeue scancel; do
        command -v "$tool" >/dev/null || die "$tool not found; install with scripts/setup.sh --slurm"
    done
    [[ "$(id -u)" -eq 0 ]] || die "run as root: slurmd must start job steps as their user"
}

# The pid in a pid file, when that process is still alive.
live_pid() {
    local file="$1" pid
    [[ -s "$file" ]] || return 1
    pid="$(cat "$file")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

port_in_use() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

write_config() {
    # The node as slurmd itself detects it (CPUs, sockets, cores, RealMemory),
    # renamed localhost: slurmd refuses a node declaring more than it has.
    local hardware
    hardware="$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')"
    [[ "$hardware" == *CPUs=* ]] || die "slurmd -C did not report the hardware: $hardware"
    mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
    cat > "$conf" <<EOF
# Written by scripts/slurm_local.sh: a one-node cluster on localhost.
ClusterName=convlab-local
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=$partition Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
    mkdir -p "$munge_dir" "$dir/run"
    chmod 0700 "$munge_dir"
    chmod 0755 "$dir/run"
    [[ -s "$munge_dir/munge.key" ]] || mungekey --create --keyfile="$munge_dir/munge.key"
    chmod 0600 "$munge_dir/munge.key"
    munged --key-file="$munge_dir/munge.key" --socket="$socket" --pid-file="$munge_dir/munged.pid" \
        --log-file="$dir/log/munged.log" --seed-file="$munge_dir/munged.seed"
}

wait_for_idle() {
    local i state
    for ((i = 0; i < 60; i++)); do
        state="$(SLURM_CONF="$conf" sinfo -h -n localhost -o %T 2>/dev/null || true)"
        [[ "$state" == idle ]] && return 0
        sleep 1
    done
    echo "slurm_local.sh: the node is not idle after 60 s (state: ${state:-none}); logs:" >&2
    tail -n 5 "$dir"/log/*.log >&2
    return 1
}

start() {
    require_tools
    if live_pid "$dir/run/slurmctld.pid" >/dev/null; then
        die "already running in $dir (scripts/slurm_local.sh stop first)"
    fi
    local p
    for p in "$port" "$((port + 1))"; do
        port_in_use "$p" && die "port $p is in use (another Slurm?); choose --port"
    done
    write_config
    live_pid "$munge_dir/munged.pid" >/dev/null || start_munge
    # -c: a fresh cluster, no jobs or node states left from an earlier start.
    slurmctld -f "$conf" -c
    slurmd -f "$conf" -N localhost
    wait_for_idle || { stop; exit 1; }
    SLURM_CONF="$conf" sinfo
    echo "Slurm is up; for the client commands (sbatch, squeue, sinfo, scripts/slurm_sweep.sh):"
    echo "export SLURM_CONF=$conf"
}

# SIGTERM to the process of a pid file, then SIGKILL after 15 s.
stop_daemon() {
    local name="$1" file="$2" pid i
    pid="$(live_pid "$file")" || { echo "$name: not running"; return 0; }
    kill -TERM "$pid"
    for ((i = 0; i < 30; i++)); do
        kill -0 "$pid" 2>/dev/null || { echo "$name: stopped (pid $pid)"; rm -f "$file"; return 0; }
        sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
    echo "$name: killed (pid $pid, did not stop within 15 s)"
    rm -f "$file"
}

stop() {
    if live_pid "$dir/run/slurmctld.pid" >/dev/null; then
        local jobs i
        mapfile -t jobs < <(SLURM_CONF="$conf" squeue -h -o %A 2>/dev/null || true)
        if [[ ${#jobs[@]} -gt 0 ]]; then
            echo "cancelling jobs: ${jobs[*]}"
            SLURM_CONF="$conf" scancel "${jobs[@]}" || true
            # Let slurmd end the job steps before it goes away itself.
            for ((i = 0; i < 20; i++)); do
                [[ -z "$(SLURM_CONF="$conf" squeue -h -o %A 2>/dev/null)" ]] && break
                sleep 0.5
            done
        fi
    fi
    stop_daemon slurmd "$dir/run/slurmd.pid"
    stop_daemon slurmctld "$dir/run/slurmctld.pid"
    stop_daemon munged "$munge_dir/munged.pid"
}

status() {
    local name file pid running=0
    for name in munged slurmctld slurmd; do
        file="$dir/run/$name.pid"
        [[ $name == munged ]] && file="$munge_dir/munged.pid"
        if pid="$(live_pid "$file")"; then
            echo "$name: running (pid $pid)"; running=$((running + 1))
        else
            echo "$name: not running"
        fi
    done
    if [[ $running -eq 3 ]]; then
        SLURM_CONF="$conf" sinfo
        SLURM_CONF="$conf" squeue
        echo "export SLURM_CONF=$conf"
        return 0
    fi
    return 1
}

parse "$@"
case "$command" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *) die "unknown command: $command (start, stop or status)" ;;
esac
