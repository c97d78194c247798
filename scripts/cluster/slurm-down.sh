#!/usr/bin/env bash
# Stops exactly the daemons that slurm-up.sh started (MariaDB and munged only if it started
# them), by their recorded pids (checked against their command names first), and waits for each
# to exit. The cluster's jobs are cancelled first, so that no job step outlives slurmd. Exits 1
# if a daemon could not be stopped.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=slurm
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

status=0
if alive slurmctld && alive slurmd; then
  jobs=$(squeue -h -t PENDING,RUNNING,SUSPENDED,COMPLETING,CONFIGURING -o %i 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    echo "slurm: cancelling jobs $jobs"
    # shellcheck disable=SC2086 # one id per word
    scancel $jobs 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      [ -z "$(squeue -h -t RUNNING,COMPLETING -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
fi
for name in slurmd slurmctld slurmdbd mariadb munged; do
  stop "$name" || status=1
done
[ "$status" = 0 ] && echo "slurm: stopped"
exit "$status"
