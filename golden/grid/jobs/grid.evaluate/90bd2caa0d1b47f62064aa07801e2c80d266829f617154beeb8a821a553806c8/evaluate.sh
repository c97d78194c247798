#!/usr/bin/env bash
# experimaestro-ts job: grid.Evaluate
# identifier: 90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8
# Generated from the experiment; edit the experiment, not this file.
set -u

# Run from the job directory: this script's folder. SLURM runs a spooled copy instead, from
# the working directory given at submission (--chdir), which is the job directory. (Paths are
# cut with parameter expansions, not dirname or a subshell: a job pays no fork for them.)
case ${BASH_SOURCE[0]} in
  */*) xpm_self=${BASH_SOURCE[0]%/*} ;;
  *) xpm_self=. ;;
esac
if [ -f "$xpm_self/params.json" ]; then
  cd "$xpm_self" || exit 1
fi
if [ ! -f params.json ] || [ ! -f evaluate.sh ]; then
  echo "experimaestro: run this script from its job directory ($PWD is not one)" >&2
  exit 1
fi
XPM_JOB_DIR=$PWD
XPM_WORKSPACE=${PWD%/*/*/*}
XPM_WORKSPACE=${XPM_WORKSPACE:-/}
export XPM_JOB_DIR XPM_WORKSPACE

# One run at a time: the job holds evaluate.lock while it runs, so two runners (or a runner and
# a scheduler) never run it twice at once. The kernel releases the lock of a dead holder.
# experimaestro locks the same file (flock, from Python) and may unlink it on release: a lock
# taken on a file no longer at that path is no lock, so the inode is checked after locking
# (`-ef` compares device and inode, without a fork). flock(2) has no bash builtin: this
# `flock -n` is the one process a job pays for its lock.
if command -v flock >/dev/null 2>&1; then
  for xpm_try in 1 2 3; do
    exec 9>> evaluate.lock
    if ! flock -n 9; then
      echo "experimaestro: this job is already running (evaluate.lock is held)" >&2
      exit 75
    fi
    if [ /proc/self/fd/9 -ef evaluate.lock ]; then
      break
    elif [ "$xpm_try" = 3 ]; then
      echo "experimaestro: evaluate.lock keeps being replaced by another process" >&2
      exit 75
    fi
  done
fi
# Finished meanwhile (by whoever held the lock): nothing left to do.
if [ -e evaluate.done ]; then
  exit 0
fi

# Stopping. The time limit in seconds (empty: none).
xpm_limit=
# The command's process group while it runs (its leader's pid, also in evaluate.pid); whether the
# early warning of the time limit came; whether a trap interrupted a wait.
xpm_child="" xpm_watch="" xpm_warned="" xpm_trapped=""
# Writes <name>.failed atomically: $1 exit code, $2 reason (failed|timeout|cancelled|dependency).
# (Its readers parse it: they must never see it half written, hence the mv. The empty .done
# needs none: a redirection creates it whole.)
xpm_mark_failed() {
  printf '{"code": %d, "reason": "%s"}\n' "$1" "$2" > evaluate.failed.tmp && mv -f evaluate.failed.tmp evaluate.failed
}
# Sends signal $1 to the command's process group: the command and everything it started.
xpm_signal() {
  if [ -n "$xpm_child" ]; then kill -"$1" -- "-$xpm_child" 2>/dev/null; else return 1; fi
}
# Why the job stops, in xpm_reason: a timeout when the early warning came first, or when the
# limit is reached, within a tenth of it (1 to 60 s: OAR counts from before this script
# starts); anything else is a cancellation.
xpm_stop_reason() {
  local margin=$((${xpm_limit:-0} / 10))
  xpm_reason=cancelled
  if [ "$margin" -gt 60 ]; then margin=60; elif [ "$margin" -lt 1 ]; then margin=1; fi
  if [ -n "$xpm_warned" ] || { [ -n "$xpm_limit" ] && [ $((SECONDS + margin)) -ge "$xpm_limit" ]; }; then
    xpm_reason=timeout
  fi
}
# SIGTERM, SIGINT, SIGHUP: the scheduler (time limit, scancel, oardel), the runner or Ctrl-C.
# The marker first (a SIGKILL may follow), then SIGTERM (and SIGCONT) to the command's group,
# SIGKILL to whatever is left of it after 5 s: nothing the job started outlives it.
# shellcheck disable=SC2317 # called by the traps below
xpm_on_stop() {
  local _
  trap '' TERM INT HUP USR1 USR2
  xpm_stop_reason
  xpm_mark_failed "$1" "$xpm_reason"
  echo "experimaestro: SIG$2 after ${SECONDS}s: $xpm_reason, stopping the command" >> evaluate.err
  if xpm_signal TERM; then
    xpm_signal CONT
    for _ in {1..50}; do
      xpm_signal 0 || break
      sleep 0.1
    done
    xpm_signal KILL
  fi
  if [ -n "$xpm_watch" ]; then kill -- "-$xpm_watch" 2>/dev/null; fi
  rm -f evaluate.pid
  exit "$1"
}
# SIGUSR1, SIGUSR2: a scheduler's early warning of the time limit (SLURM's --signal, OAR's
# checkpoint signal). It stops nothing: it goes on to the command's group, where it starts
# ignored, so a program that handles it (to checkpoint) gets it and any other runs on.
# shellcheck disable=SC2317 # called by the traps below
xpm_on_warning() {
  xpm_trapped=1 xpm_warned=1
  echo "experimaestro: SIG$1 after ${SECONDS}s, the time limit's early warning: passed on to the command" >> evaluate.err
  xpm_signal "$1"
}
trap 'xpm_on_stop 143 TERM' TERM
trap 'xpm_on_stop 130 INT' INT
trap 'xpm_on_stop 129 HUP' HUP
trap 'xpm_on_warning USR1' USR1
trap 'xpm_on_warning USR2' USR2
# Runs one command in its own process group (set -m) and waits for it (again after a
# warning); what it leaves running in its group is stopped with it.
xpm_step() {
  local code
  set -m
  (
    trap '' USR1 USR2
    exec "$@"
  ) < /dev/null >> evaluate.out 2>> evaluate.err &
  xpm_child=$!
  set +m
  echo "$xpm_child" > evaluate.pid
  while :; do
    xpm_trapped=""
    wait "$xpm_child"
    code=$?
    [ -n "$xpm_trapped" ] || break
  done
  xpm_signal TERM
  xpm_child=""
  return "$code"
}

# What an earlier run left (rm only when there is something to remove: usually nothing is).
if [ -e evaluate.done ] || [ -e evaluate.failed ] || [ -e evaluate.pid ]; then
  rm -f evaluate.done evaluate.failed evaluate.pid
fi
: > evaluate.out
: > evaluate.err
# A SIGKILL leaves this script no chance to write a marker: the runner and run-local.sh, which
# wait for it, write it then (code 137). No watcher process is needed here (a scheduler's job
# script has one: OAR kills a job's whole tree at once).

# Every parent job must have finished successfully: check their .done markers.
xpm_require_done() {
  local dep
  for dep in "$@"; do
    if [ ! -e "$dep" ]; then
      echo "experimaestro: dependency not done: $dep" >> evaluate.err
      xpm_mark_failed 1 dependency
      exit 1
    fi
  done
}
xpm_require_done ../../grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c/train.done

# The command, one xpm_step per line. Values are quoted: $, backticks and quotes stay literal.
xpm_run() {
  xpm_step node ../../../assets/acf2fdbf140a7a4b/scripts/evaluate.mjs --model ../../grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c/model.json --samples 1000 --out metrics.json
}
xpm_run
xpm_code=$?
# The command is over: what is left (its marker) is not interrupted.
trap '' TERM INT HUP USR1 USR2
if [ -n "$xpm_watch" ]; then kill -- "-$xpm_watch" 2>/dev/null; fi
if [ "$xpm_code" -eq 0 ]; then
  # Done, then the pid file goes: rm replaces this shell (its status, 0, is the job's), so
  # removing it costs no fork.
  : > evaluate.done
  exec rm -f evaluate.pid
fi
rm -f evaluate.pid
# A command that SIGTERM, SIGINT or SIGHUP ended was stopped from outside (a kill of the
# group in evaluate.pid): that is the script's own stop, not a failure.
xpm_reason=failed
case $xpm_code in
  129 | 130 | 143) xpm_stop_reason ;;
esac
if [ -n "$xpm_warned" ]; then xpm_reason=timeout; fi
xpm_mark_failed "$xpm_code" "$xpm_reason"
exit "$xpm_code"
