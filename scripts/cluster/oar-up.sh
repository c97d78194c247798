#!/usr/bin/env bash
# Installs (from Debian packages) and starts a single-node OAR 2.5 on localhost for the tests:
# PostgreSQL (unless it already runs), the OAR node's sshd (port 6667) and oar-server. Submissions
# must come from an ordinary user (OAR refuses root and oar): this creates one, named by
# $XPM_OAR_USER (default xpmtest). Idempotent: does nothing when an OAR started by this script
# still answers. Ready means the database answers, oar can ssh to the node, the server listens
# on its port and `oarstat` answers the user, within $XPM_CLUSTER_TIMEOUT seconds (default
# 120); otherwise it says why, stops what it started and exits 1. Records the daemons' real
# pids in $XPM_CLUSTER_STATE (default /run/xpm-cluster) for oar-down.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prefix=oar
# shellcheck source=scripts/cluster/lib.sh
. "$here/lib.sh"
user=${XPM_OAR_USER:-xpmtest}
mkdir -p "$state"

# True when something listens on TCP port $1 (from /proc: no iproute2 needed).
listening() {
  local hex
  hex=$(printf ':%04X' "$1")
  grep -qE "^ *[0-9]+: [0-9A-F]+$hex [0-9A-F]+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
node_ssh() { runuser -u oar -- ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=5 -p 6667 localhost true; }
user_oarstat() { runuser -u "$user" -- oarstat; }
server_ready() { listening 6666 && user_oarstat; }

if alive oar-server && alive sshd-oar && id "$user" >/dev/null 2>&1 && server_ready >/dev/null 2>&1; then
  echo "oar: already running"
  exit 0
fi
# Whatever an earlier run left half-started is stopped first.
if [ -n "$(recorded oar-server)$(recorded sshd-oar)$(recorded postgres)" ]; then
  bash "$here/oar-down.sh" >&2 || die "could not stop what an earlier oar-up.sh started"
fi
if others=$(pgrep -x Almighty); then
  die "an OAR server (Almighty) not started by this script is running (pid $(echo "$others" | tr '\n' ' ')); stop it first"
fi
for port in 6666 6667; do
  if listening "$port"; then die "port $port is taken by a process this script did not start"; fi
done

if ! [ -x /usr/sbin/oar-server ] || ! command -v oarsub >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1 \
  || ! [ -x /usr/sbin/sshd ]; then
  echo "oar: installing packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends oar-server oar-server-pgsql oar-node oar-user oar-user-pgsql \
    postgresql openssh-server openssh-client >/dev/null
fi
deadline=$((SECONDS + timeout))

# From here on, a failure stops what this run started.
ready=
cleanup() {
  [ -z "$ready" ] || return 0
  if [ "${#started[@]}" -gt 0 ]; then
    echo "oar: start failed; stopping what was started" >&2
    bash "$here/oar-down.sh" >&2 || true
  fi
  echo "oar: NOT STARTED: ${failure:-a command failed (see above)}" >&2
}
trap cleanup EXIT

# PostgreSQL: the first cluster (created if there is none). One that already runs is used, not
# recorded (oar-down.sh stops nothing this script did not start).
if ! pg_lsclusters -h | grep -q .; then
  pgver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
  pg_createcluster "$pgver" main >/dev/null
fi
read -r pgver pgname _ pgstatus _ pgdata pglog _ < <(pg_lsclusters -h | head -n 1)
logs=("$pglog")
if [ "$pgstatus" != online ]; then
  daemonize "$state/postgres.log" pg_ctlcluster "$pgver" "$pgname" start || {
    show_logs "$state/postgres.log" "$pglog"
    die "pg_ctlcluster $pgver $pgname start failed"
  }
  adopt postgres postgres "$pgdata/postmaster.pid"
fi
psql_works() { runuser -u postgres -- psql -qAtc 'select 1'; }
wait_for "PostgreSQL to answer (psql -c 'select 1')" psql_works

# oar.conf: database passwords, no cpuset manager, a scheduler that runs at once.
conf=/etc/oar/oar.conf
sed -i -e 's/^DB_BASE_PASSWD=.*/DB_BASE_PASSWD="xpm-oar"/' -e 's/^DB_BASE_PASSWD_RO=.*/DB_BASE_PASSWD_RO="xpm-oar-ro"/' \
  -e 's/^\(JOB_RESOURCE_MANAGER_PROPERTY_DB_FIELD=.*\)/#\1/' \
  -e 's/^#\?SCHEDULER_MIN_TIME_BETWEEN_2_CALLS=.*/SCHEDULER_MIN_TIME_BETWEEN_2_CALLS="0"/' "$conf"
grep -q '^SCHEDULER_MIN_TIME_BETWEEN_2_CALLS=' "$conf" || echo 'SCHEDULER_MIN_TIME_BETWEEN_2_CALLS="0"' >> "$conf"

# A fresh database (--reset is broken in 2.5.9: drop, then create).
oar-database --drop --db-is-local -y >/dev/null 2>&1 || true
oar-database --create --db-is-local -y >/dev/null
oarproperty -a cpu >/dev/null 2>&1 || true
oarproperty -a core >/dev/null 2>&1 || true
for core in $(seq 1 "$(nproc)"); do
  oarnodesetting -a -h localhost -p cpu=1 -p "core=$core" >/dev/null
done

# The node side: OAR starts jobs over ssh as oar on port 6667. sshd runs in the foreground
# (-D) of its own session, so its pid is known at once; no pid file (the system sshd's is not
# ours to overwrite).
mkdir -p /run/sshd
start sshd-oar sshd /usr/sbin/sshd -D -f /etc/oar/sshd_config -o PidFile=none
wait_for "oar to ssh to the node (ssh -p 6667 localhost)" node_ssh

# The submitting user.
id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"

# oar-server forks Almighty and writes its pid to /run/oar-server.pid (a stale one is removed:
# no Almighty runs, checked above).
rm -f /run/oar-server.pid
logs+=(/var/log/oar.log)
daemonize "$state/oar-server.log" /usr/sbin/oar-server || {
  show_logs "$state/oar-server.log"
  die "/usr/sbin/oar-server failed"
}
adopt oar-server Almighty /run/oar-server.pid
wait_for "the OAR server to listen on port 6666 and oarstat to answer $user" server_ready
ready=1
echo "oar: ready, submit as $user (pids: Almighty $(recorded oar-server), sshd $(recorded sshd-oar), postgres $(recorded postgres | grep . || echo "not started here"))"
