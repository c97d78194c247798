#!/usr/bin/env bash
# Stops exactly what oar-up.sh started (by recorded pids): oar-server, the node sshd, PostgreSQL.
set -u
state=${XPM_CLUSTER_STATE:-/run/xpm-cluster}
stop() {
  local f="$state/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  rm -f "$f"
}
stop oar-server
stop sshd-oar
if [ -f "$state/postgres.version" ]; then
  pg_ctlcluster "$(cat "$state/postgres.version")" main stop 2>/dev/null
  rm -f "$state/postgres.version"
fi
echo "oar: stopped"
