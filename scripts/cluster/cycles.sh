#!/usr/bin/env bash
# Proves that slurm-up.sh and slurm-down.sh start and stop exactly what they should: N cycles
# (default 5) of dropping the page cache (a cold start), slurm-up.sh, a check that SLURM and its
# accounting answer, slurm-down.sh, and a check that no daemon is left (`pgrep -a
# 'slurm|munged|mariadbd|mysqld'` finds none; its warning about long patterns is only a warning). Stops at the first failure and leaves SLURM
# stopped. Usage: cycles.sh [N]. Root only, under `flock -x /work/slurm.lock` on a shared machine.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
n=${1:-5}
daemons() { pgrep -a 'slurm|munged|mariadbd|mysqld' 2>/dev/null; }
answers() { sinfo -h >/dev/null && sacct -n -X >/dev/null && sacctmgr -n show qos format=name | grep -q xpm-small; }
for ((i = 1; i <= n; i++)); do
  sync
  echo 3 >/proc/sys/vm/drop_caches
  begin=$SECONDS
  if ! bash "$here/slurm-up.sh" >/dev/null; then
    echo "cycle $i: slurm-up.sh failed" >&2
    exit 1
  fi
  up=$((SECONDS - begin))
  if ! answers; then
    echo "cycle $i: SLURM started but does not answer" >&2
    bash "$here/slurm-down.sh" >/dev/null
    exit 1
  fi
  if ! bash "$here/slurm-down.sh" >/dev/null; then
    echo "cycle $i: slurm-down.sh failed" >&2
    exit 1
  fi
  if left=$(daemons); then
    echo "cycle $i: left running after slurm-down.sh:" >&2
    echo "$left" >&2
    exit 1
  fi
  echo "cycle $i: up in ${up}s, down, nothing left"
done
