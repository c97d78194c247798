#!/usr/bin/env bash
# Stops exactly the SLURM daemons that slurm-up.sh started (by their recorded pids).
set -u
state=${XPM_CLUSTER_STATE:-/run/xpm-cluster}
for name in slurmd slurmctld munged; do
  f="$state/$name.pid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  # A stale pid file may name another process now: check its command first.
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  rm -f "$f"
done
echo "slurm: stopped"
