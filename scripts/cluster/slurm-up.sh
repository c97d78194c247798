#!/usr/bin/env bash
# Installs (from Debian packages) and starts a single-node SLURM on localhost for the tests.
# Idempotent: does nothing when a cluster started by this script still answers.
# Records the pids it starts in $XPM_CLUSTER_STATE (default /run/xpm-cluster) for slurm-down.sh.
set -euo pipefail
state=${XPM_CLUSTER_STATE:-/run/xpm-cluster}
mkdir -p "$state"

if command -v scontrol >/dev/null 2>&1 && scontrol ping 2>/dev/null | grep -q UP && [ -f "$state/slurmctld.pid" ]; then
  echo "slurm: already running"
  exit 0
fi

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm: installing packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge >/dev/null
fi

# munge: key and runtime folder owned by munge.
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
[ -f /etc/munge/munge.key ] || mungekey --create >/dev/null 2>&1 || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then
  # Close fd 9: daemons keep inherited descriptors (and locks) forever.
  setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged 9>&-
  # Recorded only when started here: slurm-down.sh stops nothing it did not start.
  sleep 0.5
  pgrep -x munged | head -n 1 > "$state/munged.pid"
fi

# slurm.conf from this machine's figures (slurmd -C), with a fast scheduler.
mkdir -p /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm /etc/slurm
chown -R slurm:slurm /var/lib/slurm /var/log/slurm
node_line=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]*/NodeName=localhost/' -e 's/ UpTime=.*//')
cpus=$(nproc)
mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=xpmtest
SlurmctldHost=localhost
SlurmUser=slurm
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=100
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
MinJobAge=3600
KillWait=5
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=localhost CPUs=$((cpus * 4)) RealMemory=${mem:-4000} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

# A fresh cluster: saved state from another configuration is refused by slurmctld.
rm -rf /var/lib/slurm/slurmctld/*
slurmctld 9>&-
sleep 1
slurmd -N localhost 9>&-
cp /run/slurmctld.pid "$state/slurmctld.pid"
cp /run/slurmd.pid "$state/slurmd.pid"

for _ in $(seq 1 60); do
  if scontrol ping 2>/dev/null | grep -q UP && [ "$(sinfo -h -N -n localhost -o %T 2>/dev/null)" = "idle" ]; then
    echo "slurm: ready"
    exit 0
  fi
  scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm: did not become ready; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
exit 1
