#!/usr/bin/env bash
# Installs (from Debian packages) and starts a single-node OAR 2.5 on localhost for the tests:
# PostgreSQL, the OAR node's sshd (port 6667) and oar-server. Submissions must come from an
# ordinary user (OAR refuses root and oar): this creates one, named by $XPM_OAR_USER
# (default xpmtest). Records the pids it starts in $XPM_CLUSTER_STATE for oar-down.sh.
set -euo pipefail
state=${XPM_CLUSTER_STATE:-/run/xpm-cluster}
user=${XPM_OAR_USER:-xpmtest}
mkdir -p "$state"

alive() { [ -f "$state/$1.pid" ] && [ -d "/proc/$(cat "$state/$1.pid")" ]; }
if alive oar-server && runuser -u "$user" -- oarstat >/dev/null 2>&1; then
  echo "oar: already running"
  exit 0
fi

if ! command -v oar-server >/dev/null 2>&1 && [ ! -x /usr/sbin/oar-server ]; then
  echo "oar: installing packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends oar-server oar-server-pgsql oar-node oar-user oar-user-pgsql \
    postgresql openssh-server openssh-client >/dev/null
fi

# PostgreSQL
pgver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)
if ! pg_lsclusters -h | grep -q .; then pg_createcluster "$pgver" main >/dev/null; fi
# Only a server this script starts is recorded, so oar-down.sh stops nothing it did not start.
if ! pg_lsclusters -h | grep -q online; then
  pg_ctlcluster "$pgver" main start
  echo "$pgver" > "$state/postgres.version"
fi
for _ in $(seq 1 30); do runuser -u postgres -- psql -qAtc 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done

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

# The node side: OAR starts jobs over ssh as oar on port 6667.
mkdir -p /run/sshd
if ! alive sshd-oar; then
  /usr/sbin/sshd -f /etc/oar/sshd_config -o PidFile="$state/sshd-oar.pid" 9>&-
fi
for _ in $(seq 1 20); do [ -f "$state/sshd-oar.pid" ] && break; sleep 0.2; done
runuser -u oar -- ssh -o BatchMode=yes -o StrictHostKeyChecking=no -p 6667 localhost true

# The submitting user.
id "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"

if ! alive oar-server; then
  /usr/sbin/oar-server 9>&-
  for _ in $(seq 1 50); do [ -f /run/oar-server.pid ] && break; sleep 0.2; done
  cp /run/oar-server.pid "$state/oar-server.pid"
fi
for _ in $(seq 1 30); do
  if runuser -u "$user" -- oarstat >/dev/null 2>&1; then
    echo "oar: ready (submit as $user)"
    exit 0
  fi
  sleep 1
done
echo "oar: did not become ready; see /var/log/oar.log" >&2
exit 1
