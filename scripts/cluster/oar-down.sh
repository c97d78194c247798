#!/usr/bin/env bash
# Stops exactly what oar-up.sh started, by the recorded pids (checked against their command
# names first): oar-server (Almighty), the node's sshd and PostgreSQL (only if oar-up.sh started
# it), and waits for each to exit. The cluster's unfinished jobs are deleted first, so that none
# outlives the server. Exits 1 if a daemon could not be stopped.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=oar
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"

status=0
if alive oar-server; then
  # oarstat lists the jobs that are not finished: "ID name user ..." below a "----" line.
  unfinished() { oarstat 2>/dev/null | awk '/^-+/ {rows = 1; next} rows && $1 ~ /^[0-9]+$/ {print $1}'; }
  jobs=$(unfinished | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    echo "oar: deleting jobs $jobs"
    # shellcheck disable=SC2086 # one id per word
    runuser -u oar -- oardel $jobs >/dev/null 2>&1 || true
    for ((i = 0; i < 150; i++)); do
      [ -z "$(unfinished)" ] && break
      sleep 0.2
    done
  fi
  # Almighty's helpers (appendice, bipbip, ...) share its process group and end with it.
  group=$(ps -o pgid= -p "$(recorded oar-server)" | tr -d ' ')
fi
stop oar-server || status=1
if [ -n "${group:-}" ]; then
  for ((i = 0; i < 100; i++)); do
    pgrep -g "$group" >/dev/null || break
    sleep 0.1
  done
  if leftover=$(pgrep -g "$group"); then
    echo "oar: Almighty's helpers still running: $(echo "$leftover" | tr '\n' ' ')" >&2
    status=1
  fi
fi
stop sshd-oar || status=1
# SIGINT is PostgreSQL's fast shutdown (what pg_ctl stop -m fast sends).
stop postgres INT || status=1
[ "$status" = 0 ] && echo "oar: stopped"
exit "$status"
