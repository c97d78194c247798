#!/usr/bin/env bash
# experimaestro-ts job: grid.Report
# identifier: 06b1a52fee59328071289c2236fec26cc1fb8448f34645d2543cd8d05204914e
# Generated from the experiment; edit the experiment, not this file.
set -u

# Run from the job directory: this script's folder. SLURM runs a spooled copy instead, from
# the working directory given at submission (--chdir), which is the job directory.
xpm_self=$(dirname "${BASH_SOURCE[0]}")
if [ -f "$xpm_self/params.json" ]; then
  cd "$xpm_self" || exit 1
fi
if [ ! -f params.json ] || [ ! -f report.sh ]; then
  echo "experimaestro: run this script from its job directory ($PWD is not one)" >&2
  exit 1
fi
XPM_JOB_DIR=$PWD
XPM_WORKSPACE=$(cd ../../.. && pwd)
export XPM_JOB_DIR XPM_WORKSPACE

# One run at a time: the job holds report.lock while it runs, so two runners (or a runner and
# a scheduler) never run it twice at once. The kernel releases the lock of a dead holder.
if command -v flock >/dev/null 2>&1; then
  exec 9>> report.lock
  if ! flock -n 9; then
    echo "experimaestro: this job is already running (report.lock is held)" >&2
    exit 75
  fi
fi
# Finished meanwhile (by whoever held the lock): nothing left to do.
if [ -e report.done ]; then
  exit 0
fi

xpm_child=""
# Writes <name>.failed atomically: $1 exit code, $2 reason (failed|timeout|cancelled|dependency).
xpm_mark_failed() {
  printf '{"code": %d, "reason": "%s"}\n' "$1" "$2" > report.failed.tmp && mv -f report.failed.tmp report.failed
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
  "$@" >> report.out 2>> report.err &
  xpm_child=$!
  wait "$xpm_child"
  local code=$?
  xpm_child=""
  return "$code"
}

rm -f report.done report.failed
: > report.out
: > report.err

# Every parent job must have finished successfully: check their .done markers.
xpm_require_done() {
  local dep
  for dep in "$@"; do
    if [ ! -e "$dep" ]; then
      echo "experimaestro: dependency not done: $dep" >> report.err
      xpm_mark_failed 1 dependency
      exit 1
    fi
  done
}
xpm_require_done ../../grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9/evaluate.done \
  ../../grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4/evaluate.done \
  ../../grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8/evaluate.done \
  ../../grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758/evaluate.done \
  ../../grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1/evaluate.done \
  ../../grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25/evaluate.done

# The command. Values are single-quoted: $, backticks and quotes in them stay literal.
# shellcheck disable=SC2016
xpm_run() {
  xpm_step node ../../../assets/82cdbf15f2cc9b23/scripts/report.mjs --title 'Learning-rate sweep on a noisy line' --out results.md ../../grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1/metrics.json ../../grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25/metrics.json ../../grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9/metrics.json ../../grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4/metrics.json ../../grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758/metrics.json ../../grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8/metrics.json
}
xpm_run
xpm_code=$?
if [ "$xpm_code" -eq 0 ]; then
  : > report.done
else
  xpm_mark_failed "$xpm_code" failed
fi
exit "$xpm_code"
