#!/usr/bin/env bash
# A one-node Slurm cluster for CI and for trying `biglm prepare --executor slurm` on one machine.
# Runs munged, slurmctld and slurmd as plain background processes (no systemd), with all state, logs and
# the config in one folder, so it starts in seconds inside a container and leaves nothing behind.
#
#   scripts/slurm-cluster.sh install          apt-get the Debian packages (slurmctld slurmd slurm-client munge)
#   scripts/slurm-cluster.sh start DIR        start the daemons; prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm-cluster.sh stop DIR         stop them (waits for slurmctld to save its state)
#   scripts/slurm-cluster.sh status DIR       exit 0 when the node answers idle/mixed/allocated
#
# Needs root (munged runs as the munge user, the daemons as root). Modelled on a recipe verified on
# Debian 12 with 2 cores. The partition is called `debug`. MaxArraySize is Slurm's default (1001) unless
# SLURM_MAX_ARRAY_SIZE says otherwise (CI uses a small one so that splitting steps into arrays is tested).
set -euo pipefail

usage() { echo "usage: $0 install | start DIR | stop DIR | status DIR" >&2; exit 2; }
cmd=${1:-}; [ -n "$cmd" ] || usage

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    return 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge
}

# Waits until a pid file's process is gone (slurmctld takes ~2 s to save its state on SIGTERM).
stop_pid_file() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

case "$cmd" in
  install)
    install_packages
    ;;
  start)
    D=$(realpath -m "${2:-}"); [ -n "${2:-}" ] || usage
    [ "$(id -u)" = 0 ] || { echo "$0: starting the cluster needs root (munged and slurmd)" >&2; exit 1; }
    for b in munged slurmctld slurmd sbatch sinfo; do
      command -v "$b" >/dev/null || { echo "$0: $b not found; run '$0 install' (Debian: slurmctld slurmd slurm-client munge)" >&2; exit 1; }
    done
    if [ -f "$D/slurmctld.launch.pid" ] && kill -0 "$(cat "$D/slurmctld.launch.pid")" 2>/dev/null; then
      echo "$0: a cluster is already running from $D; stop it first" >&2; exit 1
    fi
    mkdir -p "$D"/{munge,state,spool,log}
    chmod 755 "$D"; chown munge:munge "$D/munge"; chmod 755 "$D/munge"
    [ -f /etc/munge/munge.key ] || { runuser -u munge -- mungekey --create 2>/dev/null || /usr/sbin/mungekey --create; }
    H=$(hostname -s); NCPU=$(nproc)
    # Memory slurmd may hand out: what the machine has, in MB, minus a little for the daemons.
    MEM=$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.9}' /proc/meminfo)
    # Without a default, a job that asks for no memory would take the whole node and run alone.
    DEFMEM=$((MEM / NCPU))
    runuser -u munge -- munged -F --socket="$D/munge/munge.socket.2" --pid-file="$D/munge/munged.pid" \
      --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed" >"$D/log/munged.out" 2>&1 &
    echo $! >"$D/munged.launch.pid"
    for _ in $(seq 20); do [ -S "$D/munge/munge.socket.2" ] && break; sleep 0.25; done
    cat >"$D/slurm.conf" <<CONF
ClusterName=biglm
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire also sets how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$D/munge/munge.socket.2,cred_expire=10
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$DEFMEM
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
# Short cycles: a test pipeline is many small dependent jobs, so don't let them wait on the timers.
SchedulerParameters=sched_min_interval=100000
MinJobAge=300
MaxArraySize=${SLURM_MAX_ARRAY_SIZE:-1001}
KillWait=5
NodeName=$H NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$D/slurm.conf"
    slurmctld -D -f "$SLURM_CONF" >"$D/log/slurmctld.out" 2>&1 & echo $! >"$D/slurmctld.launch.pid"
    for _ in $(seq 40); do scontrol ping >/dev/null 2>&1 && break; sleep 0.25; done
    slurmd -D -f "$SLURM_CONF" >"$D/log/slurmd.out" 2>&1 & echo $! >"$D/slurmd.launch.pid"
    for _ in $(seq 60); do
      sinfo -h -o %T 2>/dev/null | grep -Eq 'idle|mixed|allocated' && break; sleep 0.5
    done
    if ! sinfo -h -o %T 2>/dev/null | grep -Eq 'idle|mixed|allocated'; then
      echo "$0: the node did not come up; logs in $D/log" >&2; tail -n 20 "$D/log/slurmctld.log" "$D/log/slurmd.log" >&2 || true
      exit 1
    fi
    sinfo >&2
    echo "export SLURM_CONF=$SLURM_CONF"
    ;;
  stop)
    D=$(realpath -m "${2:-}"); [ -n "${2:-}" ] || usage
    stop_pid_file "$D/slurmd.launch.pid"
    stop_pid_file "$D/slurmctld.launch.pid"
    stop_pid_file "$D/munge/munged.pid"
    stop_pid_file "$D/munged.launch.pid"
    ;;
  status)
    D=$(realpath -m "${2:-}"); [ -n "${2:-}" ] || usage
    SLURM_CONF="$D/slurm.conf" sinfo -h -o %T 2>/dev/null | grep -Eq 'idle|mixed|allocated'
    ;;
  *) usage ;;
esac
