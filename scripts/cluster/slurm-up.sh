#!/usr/bin/env bash
# Installs (from Debian packages) and starts a single-node SLURM on localhost for the tests:
# munged and MariaDB (unless they already run), slurmdbd (accounting: sacct works, QoS limits
# are enforced), slurmctld and slurmd. Idempotent: does nothing when a cluster started by this
# script still answers. Ready means slurmdbd answers with the QoS set up below, `scontrol ping`
# answers and the node is idle, within $XPM_CLUSTER_TIMEOUT seconds (default 120); otherwise it
# says why, stops what it started and exits 1. Records the daemons' real pids in
# $XPM_CLUSTER_STATE (default /run/xpm-cluster) for slurm-down.sh.
#
# Accounting, fresh at each start: cluster xpmtest, account xpm with users root and
# $XPM_OAR_USER (default xpmtest, created if missing), QoS `normal` (the default, no limits)
# and `xpm-small` (MaxSubmitJobsPerUser=50, MaxJobsPerUser=50) that only jobs asking for it
# (`sbatch --qos=xpm-small`) get. MaxArraySize=100.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=slurm
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"
mkdir -p "$state"

user=${XPM_OAR_USER:-xpmtest}
qos=xpm-small

ping_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_state() { sinfo -h -N -n localhost -o %T 2>/dev/null; }
# slurmdbd answers, and the accounting set up below is there.
qos_listed() { timeout 20 sacctmgr -n -P show qos format=name 2>/dev/null | grep -qx "$qos"; }

if command -v scontrol >/dev/null 2>&1 && alive slurmctld && alive slurmd && alive slurmdbd \
  && { [ -z "$(recorded munged)" ] || alive munged; } && { [ -z "$(recorded mariadb)" ] || alive mariadb; } \
  && ping_up && qos_listed; then
  case $(node_state) in
    idle | mixed | allocated | completing)
      echo "slurm: already running"
      exit 0
      ;;
  esac
fi
# Whatever an earlier run left half-started is stopped first.
if [ -n "$(recorded slurmctld)$(recorded slurmd)$(recorded slurmdbd)$(recorded mariadb)$(recorded munged)" ]; then
  bash "$here/slurm-down.sh" >&2 || die "could not stop what an earlier slurm-up.sh started"
fi
for daemon in slurmctld slurmd slurmdbd; do
  if others=$(pgrep -x "$daemon"); then
    die "a $daemon not started by this script is running (pid $(echo "$others" | tr '\n' ' ')); stop it first"
  fi
done

if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 \
  || ! command -v munged >/dev/null 2>&1 || ! command -v sinfo >/dev/null 2>&1 \
  || ! [ -x /usr/sbin/slurmdbd ] || ! [ -x /usr/sbin/mariadbd ]; then
  echo "slurm: installing packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm slurmctld slurmd slurm-client munge \
    slurmdbd mariadb-server >/dev/null
fi
deadline=$((SECONDS + timeout))

# From here on, a failure stops what this run started.
ready=
cleanup() {
  [ -z "$ready" ] || return 0
  if [ "${#started[@]}" -gt 0 ]; then
    echo "slurm: start failed; stopping what was started" >&2
    bash "$here/slurm-down.sh" >&2 || true
  fi
  echo "slurm: NOT STARTED: ${failure:-a command failed (see above)}" >&2
}
trap cleanup EXIT

# munge: key and runtime folder owned by munge. A munged that already runs is used, not recorded
# (slurm-down.sh stops nothing this script did not start).
mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
[ -f /etc/munge/munge.key ] || mungekey --create >/dev/null 2>&1 || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then
  start munged munged setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground
fi
logs=(/var/log/munge/munged.log)
munge_works() { munge -n | unmunge; }
wait_for "munged to answer (munge -n | unmunge)" munge_works

# slurm.conf from this machine's figures (slurmd -C), with a fast scheduler (sacctmgr reads it too).
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
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStorageEnforce=limits,qos
MaxArraySize=100
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

# MariaDB for slurmdbd. One that already runs is used, not recorded; else it runs in the
# foreground of its own session, so its pid is known at once.
if ! pgrep -x mariadbd >/dev/null && ! pgrep -x mysqld >/dev/null; then
  mkdir -p /run/mysqld
  chown mysql:mysql /run/mysqld
  rm -f /run/mysqld/mysqld.pid
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  start mariadb mariadbd /usr/sbin/mariadbd --user=mysql
fi
mariadb_works() { mariadb -e 'select 1'; }
wait_for "MariaDB to answer (mariadb -e 'select 1')" mariadb_works
# A fresh accounting database: job ids start again at 1 with a fresh cluster, and sacct must
# not answer for an id with a job of an earlier cluster.
mariadb <<'SQL'
DROP DATABASE IF EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'xpm-slurm';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
SQL

# slurmdbd refuses a configuration file that others may read (it holds the password).
(
  umask 077
  cat > /etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=slurm
LogFile=/var/log/slurm/slurmdbd.log
PidFile=/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=xpm-slurm
StorageLoc=slurm_acct_db
CONF
)
chown slurm:slurm /etc/slurm/slurmdbd.conf
rm -f /run/slurmdbd.pid
logs+=(/var/log/slurm/slurmdbd.log)
start slurmdbd slurmdbd /usr/sbin/slurmdbd -D
clusters_listed() { timeout 20 sacctmgr -n -P show cluster format=cluster; }
wait_for "slurmdbd to answer (sacctmgr show cluster)" clusters_listed
# The associations that jobs need (AccountingStorageEnforce implies them), and the QoS.
id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
accounting() { timeout 20 sacctmgr -i "$@" >/dev/null; }
accounting add cluster xpmtest
accounting add account xpm Description=experimaestro-ts Organization=xpm
accounting add user "root,$user" Account=xpm
accounting add qos "$qos" MaxSubmitJobsPerUser=50 MaxJobsPerUser=50
accounting modify user "root,$user" set "QOS+=$qos"
wait_for "sacctmgr show qos to list $qos" qos_listed

# A fresh cluster: saved state from another configuration is refused by slurmctld. The pid
# files of earlier daemons are stale (none runs, checked above) and are not what is recorded:
# the daemons run in the foreground (-D) of their own session, so their pids are known at once.
rm -rf /var/lib/slurm/slurmctld/* /run/slurmctld.pid /run/slurmd.pid
logs+=(/var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log)
start slurmctld slurmctld /usr/sbin/slurmctld -D
wait_for "slurmctld to answer (scontrol ping)" ping_up
start slurmd slurmd /usr/sbin/slurmd -D -N localhost
node_idle() {
  local s
  s=$(node_state)
  case $s in
    idle) return 0 ;;
    down* | drain* | fail*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true ;;
  esac
  return 1
}
wait_for "the node to be idle (sinfo -h -N -n localhost -o %T)" node_idle
ready=1
echo "slurm: ready (pids: slurmctld $(recorded slurmctld), slurmd $(recorded slurmd), slurmdbd $(recorded slurmdbd), mariadbd $(recorded mariadb | grep . || echo "not started here"), munged $(recorded munged | grep . || echo "not started here"))"
