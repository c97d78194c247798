#!/usr/bin/env bash
#OAR -n grid.Report-3862d63e
#OAR -l /nodes=1/core=1
#OAR -O Report.out
#OAR -E Report.err
#OAR -q default
#OAR --project team-ml
#OAR -p cpuarch='x86_64'
# experimaestro-ts job: grid.Report
# identifier: 3862d63e660ee0d3c17cf0e15fd384f5614294e88ae77b465ad1b64155191e2d
# Generated from the experiment; edit the experiment, not this file.
set -u

# Run from the job directory: this script's folder. SLURM runs a spooled copy instead, from
# the working directory given at submission (--chdir), which is the job directory.
xpm_self=$(dirname "${BASH_SOURCE[0]}")
if [ -f "$xpm_self/params.json" ]; then
  cd "$xpm_self" || exit 1
fi
if [ ! -f params.json ] || [ ! -f Report.sh ]; then
  echo "experimaestro: run this script from its job directory ($PWD is not one)" >&2
  exit 1
fi
XPM_JOB_DIR=$PWD
XPM_WORKSPACE=$(cd ../../.. && pwd)
export XPM_JOB_DIR XPM_WORKSPACE

# One run at a time: the job holds Report.lock while it runs, so two runners (or a runner and
# a scheduler) never run it twice at once. The kernel releases the lock of a dead holder.
if command -v flock >/dev/null 2>&1; then
  exec 9>> Report.lock
  if ! flock -n 9; then
    echo "experimaestro: this job is already running (Report.lock is held)" >&2
    exit 75
  fi
fi
# Finished meanwhile (by whoever held the lock): nothing left to do.
if [ -e Report.done ]; then
  exit 0
fi

xpm_child=""
# Writes <name>.failed atomically: $1 exit code, $2 reason (failed|timeout|cancelled|dependency).
xpm_mark_failed() {
  printf '{"code": %d, "reason": "%s"}\n' "$1" "$2" > Report.failed.tmp && mv -f Report.failed.tmp Report.failed
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
  "$@" >> Report.out 2>> Report.err &
  xpm_child=$!
  wait "$xpm_child"
  local code=$?
  xpm_child=""
  return "$code"
}

rm -f Report.done Report.failed
: > Report.out
: > Report.err

# Every parent job must have finished successfully: check their .done markers.
xpm_require_done() {
  local dep
  for dep in "$@"; do
    if [ ! -e "$dep" ]; then
      echo "experimaestro: dependency not done: $dep" >> Report.err
      xpm_mark_failed 1 dependency
      exit 1
    fi
  done
}
xpm_require_done ../../grid.evaluate/2c181da9953ae45e9afd275ab8a6f7fd00b28cabc93913dbb606ed3f14903506/Evaluate.done \
  ../../grid.evaluate/302e38bbd29c396bd8205e2339942f20ff3fb39fa773765111c85ffddff8b821/Evaluate.done \
  ../../grid.evaluate/341a9c12dc8c7f62ca82938cc31b1dcb88c9b686c997ea3b0fbbd71238a8252d/Evaluate.done \
  ../../grid.evaluate/d1ef81bf5642e5ca0f96d2a5b4e36e6ce8529dd038cd04b4c2f0dbdbf5393fa0/Evaluate.done \
  ../../grid.evaluate/d33e326c020b9c63982ddb46fb572111467a06f7fcde213dc08da6b199f79fbd/Evaluate.done \
  ../../grid.evaluate/eb845b108d23ae0ae318502869fea57df3ee235be532d631424a8cb79164f63a/Evaluate.done

# The command. Values are single-quoted: $, backticks and quotes in them stay literal.
# shellcheck disable=SC2016
xpm_run() {
  xpm_step node ../../../assets/a86bb0859bc0fdea/scripts/report.mjs --title 'Learning-rate sweep on a noisy line' --out results.md ../../grid.evaluate/2c181da9953ae45e9afd275ab8a6f7fd00b28cabc93913dbb606ed3f14903506/metrics.json ../../grid.evaluate/eb845b108d23ae0ae318502869fea57df3ee235be532d631424a8cb79164f63a/metrics.json ../../grid.evaluate/d1ef81bf5642e5ca0f96d2a5b4e36e6ce8529dd038cd04b4c2f0dbdbf5393fa0/metrics.json ../../grid.evaluate/341a9c12dc8c7f62ca82938cc31b1dcb88c9b686c997ea3b0fbbd71238a8252d/metrics.json ../../grid.evaluate/302e38bbd29c396bd8205e2339942f20ff3fb39fa773765111c85ffddff8b821/metrics.json ../../grid.evaluate/d33e326c020b9c63982ddb46fb572111467a06f7fcde213dc08da6b199f79fbd/metrics.json
}
xpm_run
xpm_code=$?
if [ "$xpm_code" -eq 0 ]; then
  : > Report.done
else
  xpm_mark_failed "$xpm_code" failed
fi
exit "$xpm_code"
