# shellcheck shell=bash
# Shared by the *-up.sh / *-down.sh scripts (sourced, not run): starting daemons detached with
# no inherited descriptors, recording their real pids, waiting for readiness with a deadline,
# and stopping exactly the recorded processes.
#
#   XPM_CLUSTER_STATE    where the pids are recorded (default /run/xpm-cluster)
#   XPM_CLUSTER_TIMEOUT  seconds a scheduler may take to become ready (default 120)

# Set by the sourcing script: the word its messages start with.
prefix=${prefix:-cluster}
state=${XPM_CLUSTER_STATE:-/run/xpm-cluster}
timeout=${XPM_CLUSTER_TIMEOUT:-120}
# Reset by the up scripts once the packages are installed.
deadline=$((SECONDS + timeout))
# Names (pid files in $state) started by this run of an up script.
started=()

# True when PID is a live (not zombie) process whose command name is NAME. A recorded pid may
# name another process by now, and a daemon's pid file may outlive it: never trust one unchecked.
running() {
  local pid=$1 name=$2 stat comm rest
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  comm=${stat#*(}
  comm=${comm%)*}
  rest=${stat##*) }
  [ "$comm" = "$name" ] && [ "${rest%% *}" != Z ] && [ "${rest%% *}" != X ]
}

# A daemon is recorded as $state/NAME.pid (its pid) and $state/NAME.comm (its command name).
record() {
  echo "$2" >"$state/$1.pid"
  echo "$3" >"$state/$1.comm"
}
recorded() { cat "$state/$1.pid" 2>/dev/null || true; }
recorded_comm() { cat "$state/$1.comm" 2>/dev/null || echo "$1"; }

# True when the daemon recorded as NAME is alive.
alive() { running "$(recorded "$1")" "$(recorded_comm "$1")"; }

# The logs of the daemons started by this run, then those in the LOGS array (set by the caller).
logs=()
all_logs() {
  local name
  for name in "${started[@]}"; do echo "$state/$name.log"; done
  for name in "${logs[@]}"; do echo "$name"; done
}

# Prints the last lines of a daemon's log (and of any other log files given).
show_logs() {
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    echo "--- last lines of $f:" >&2
    tail -n 15 "$f" >&2
  done
}

# Why the script failed (up scripts say it again after cleaning up, as their last line).
failure=
die() {
  # shellcheck disable=SC2034 # read by the up scripts
  failure=$*
  echo "$prefix: $*" >&2
  exit 1
}

# Runs a command with every descriptor above 2 closed: daemons keep what they inherit (a lock
# held on fd 9 by a start script, the pipes of whoever ran it) for as long as they live.
closefds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then { eval "exec $fd>&-"; } 2>/dev/null || true; fi
  done
  exec "$@"
}

# start NAME COMM COMMAND...: runs a daemon in the foreground of its own session (from /, stdin
# /dev/null, output to $state/NAME.log, no other inherited descriptors) and records its pid
# once the process really is COMM (the exec chain, e.g. setpriv, has finished).
start() {
  local name=$1 comm=$2 pid
  shift 2
  (cd / && closefds setsid "$@") </dev/null >"$state/$name.log" 2>&1 &
  pid=$!
  until running "$pid" "$comm"; do
    if ! [ -d "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
      show_logs "$state/$name.log"
      die "$name exited at start ($*)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -KILL "$pid" 2>/dev/null || true
      die "$name did not start within ${timeout}s (XPM_CLUSTER_TIMEOUT)"
    fi
    sleep 0.1
  done
  record "$name" "$pid" "$comm"
  started+=("$name")
}

# daemonize LOG COMMAND...: runs a command that starts a daemon itself (and returns), from /,
# with stdin /dev/null, output to LOG and no other inherited descriptors.
daemonize() {
  local log=$1
  shift
  (cd / && closefds "$@") </dev/null >"$log" 2>&1
}

# adopt NAME COMM PIDFILE: records the daemon that a self-daemonizing command (already run)
# named in PIDFILE, once that pid is a live COMM; remove a stale PIDFILE before running it.
adopt() {
  local name=$1 comm=$2 file=$3 pid
  until pid=$(head -n 1 "$file" 2>/dev/null) && running "$pid" "$comm"; do
    [ "$SECONDS" -lt "$deadline" ] || die "$name did not start within ${timeout}s (XPM_CLUSTER_TIMEOUT): no live $comm in $file"
    sleep 0.1
  done
  record "$name" "$pid" "$comm"
  started+=("$name")
}

# wait_for WHAT COMMAND...: polls COMMAND until it succeeds; fails when the deadline passes or
# a daemon started by this run has died (the logs are shown then).
wait_for() {
  local what=$1 name files
  shift
  until "$@" >/dev/null 2>&1; do
    for name in "${started[@]}"; do
      if ! alive "$name"; then
        mapfile -t files < <(all_logs)
        show_logs "${files[@]}"
        die "$name (pid $(recorded "$name")) died while waiting for $what"
      fi
    done
    if [ "$SECONDS" -ge "$deadline" ]; then
      mapfile -t files < <(all_logs)
      show_logs "${files[@]}"
      die "not ready after ${timeout}s (XPM_CLUSTER_TIMEOUT): $what"
    fi
    sleep 0.5
  done
}

# stop NAME [SIGNAL]: SIGNAL (default TERM) to the recorded pid if it still is the recorded
# command, waits for it to exit (SIGKILL after XPM_CLUSTER_STOP_TIMEOUT seconds, default 30),
# then forgets the record.
stop() {
  local name=$1 signal=${2:-TERM} pid comm i
  pid=$(recorded "$name")
  comm=$(recorded_comm "$name")
  [ -n "$pid" ] || return 0
  if running "$pid" "$comm"; then
    kill -"$signal" "$pid" 2>/dev/null || true
    for ((i = 0; i < ${XPM_CLUSTER_STOP_TIMEOUT:-30} * 10; i++)); do
      running "$pid" "$comm" || break
      sleep 0.1
    done
    if running "$pid" "$comm"; then
      echo "$prefix: $name (pid $pid) still running after SIG$signal; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        running "$pid" "$comm" || break
        sleep 0.1
      done
    fi
    if running "$pid" "$comm"; then
      echo "$prefix: could not stop $name (pid $pid)" >&2
      return 1
    fi
    # Exited; its parent (init, here) reaps it: give that a moment so that nothing, not even a
    # zombie, is left behind (a zombie holds no port, file or lock, so this never fails).
    for ((i = 0; i < 50; i++)); do
      [ -d "/proc/$pid" ] || break
      sleep 0.1
    done
    echo "$prefix: stopped $name (pid $pid)"
  else
    echo "$prefix: $name (pid $pid) was no longer running"
  fi
  rm -f "$state/$name.pid" "$state/$name.comm"
}
