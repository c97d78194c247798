#!/usr/bin/env bash
#OAR -n grid.Train-05b4b186
#OAR -l /nodes=1/core=1,walltime=0:10:00
#OAR -O train.out
#OAR -E train.err
#OAR -q default
#OAR --project team-ml
#OAR -p cpuarch='x86_64'
# experimaestro-ts job: grid.Train
# identifier: 05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816
# Generated from the experiment; edit the experiment, not this file.
set -u

# Run from the job directory: this script's folder. SLURM runs a spooled copy instead, from
# the working directory given at submission (--chdir), which is the job directory.
xpm_self=$(dirname "${BASH_SOURCE[0]}")
if [ -f "$xpm_self/params.json" ]; then
  cd "$xpm_self" || exit 1
fi
if [ ! -f params.json ] || [ ! -f train.sh ]; then
  echo "experimaestro: run this script from its job directory ($PWD is not one)" >&2
  exit 1
fi
XPM_JOB_DIR=$PWD
XPM_WORKSPACE=$(cd ../../.. && pwd)
export XPM_JOB_DIR XPM_WORKSPACE

# One run at a time: the job holds train.lock while it runs, so two runners (or a runner and
# a scheduler) never run it twice at once. The kernel releases the lock of a dead holder.
if command -v flock >/dev/null 2>&1; then
  exec 9>> train.lock
  if ! flock -n 9; then
    echo "experimaestro: this job is already running (train.lock is held)" >&2
    exit 75
  fi
fi
# Finished meanwhile (by whoever held the lock): nothing left to do.
if [ -e train.done ]; then
  exit 0
fi

xpm_child=""
# Writes <name>.failed atomically: $1 exit code, $2 reason (failed|timeout|cancelled|dependency).
xpm_mark_failed() {
  printf '{"code": %d, "reason": "%s"}\n' "$1" "$2" > train.failed.tmp && mv -f train.failed.tmp train.failed
}
# A kill, a cancellation or a time limit still leaves a .failed marker.
# shellcheck disable=SC2317 # called by the traps below
xpm_on_signal() {
  trap - TERM INT HUP USR1
  if [ -n "$xpm_child" ]; then
    kill -TERM "$xpm_child" 2>/dev/null
    wait "$xpm_child"
  fi
  xpm_mark_failed "$2" "$1"
  exit "$2"
}
trap 'xpm_on_signal cancelled 143' TERM
trap 'xpm_on_signal cancelled 130' INT
trap 'xpm_on_signal cancelled 129' HUP
trap 'xpm_on_signal timeout 143' USR1
# Runs one command in the background and waits, so that signals reach the traps above.
xpm_step() {
  "$@" >> train.out 2>> train.err &
  xpm_child=$!
  wait "$xpm_child"
  local code=$?
  xpm_child=""
  return "$code"
}

rm -f train.done train.failed
: > train.out
: > train.err

# The command. Values are single-quoted: $, backticks and quotes in them stay literal.
# shellcheck disable=SC2016
xpm_run() {
  xpm_step bash ../../../assets/35dca2aab4c8172f/node.sh ../../../assets/35dca2aab4c8172f/tasks.mjs grid.Train
}
xpm_run
xpm_code=$?
if [ "$xpm_code" -eq 0 ]; then
  : > train.done
else
  xpm_mark_failed "$xpm_code" failed
fi
exit "$xpm_code"
