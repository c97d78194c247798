#!/usr/bin/env bash
# experimaestro-ts: runs experiment grid on this machine, one job at a time, in
# dependency order, with bash only. Jobs already done are skipped; after a failure, fix the
# cause and run this again: only the failed jobs and their dependents run.
set -u
# --report: also write experiments/<id>/report.html at the end (through the experimaestro command).
xpm_report=""
for xpm_arg in "$@"; do
  case $xpm_arg in
    --report) xpm_report=1 ;;
    *) echo "usage: bash $0 [--report]" >&2; exit 2 ;;
  esac
done
xpm_id=$(basename "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)")
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1

xpm_done=0
xpm_ran=0
xpm_failed=0
# $1: job directory, $2: job name.
xpm_job() {
  if [ -e "$1/$2.done" ]; then
    echo "done     $1"
    xpm_done=$((xpm_done + 1))
    return 0
  fi
  echo "run      $1"
  bash "$1/$2.sh"
  local code=$?
  # Killed by a signal no script can trap (kill -9): no marker was written, so it is written here.
  if [ "$code" -gt 128 ] && [ ! -e "$1/$2.failed" ] && [ ! -e "$1/$2.done" ]; then
    printf '{"code": %d, "reason": "cancelled"}\n' "$code" > "$1/$2.failed.tmp" && mv -f "$1/$2.failed.tmp" "$1/$2.failed"
    echo "experimaestro: killed, no signal to trap: cancelled" >> "$1/$2.err"
  fi
  case $code in
    0) xpm_ran=$((xpm_ran + 1)) ;;
    75)
      echo "busy     $1 (running elsewhere: its lock is held)"
      xpm_failed=$((xpm_failed + 1))
      ;;
    *)
      echo "failed   $1 ($(cat "$1/$2.failed" 2>/dev/null || echo 'no marker'))"
      xpm_failed=$((xpm_failed + 1))
      ;;
  esac
}

# The HTML report is made by experimaestro-ts itself (Node): one renderer, the one tested in a
# browser. Where it is not installed, say how to make the report elsewhere.
xpm_make_report() {
  if command -v experimaestro >/dev/null 2>&1; then
    experimaestro report "$PWD" "$xpm_id"
  else
    echo "experimaestro: --report needs the experimaestro command (Node and experimaestro-ts) on PATH; or copy the workspace where it is and run: experimaestro report <workspace> $xpm_id" >&2
    return 1
  fi
}

xpm_job jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 train
xpm_job jobs/grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1 evaluate
xpm_job jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 train
xpm_job jobs/grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758 evaluate
xpm_job jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a train
xpm_job jobs/grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9 evaluate
xpm_job jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c train
xpm_job jobs/grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8 evaluate
xpm_job jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 train
xpm_job jobs/grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25 evaluate
xpm_job jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 train
xpm_job jobs/grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4 evaluate
xpm_job jobs/grid.report/06b1a52fee59328071289c2236fec26cc1fb8448f34645d2543cd8d05204914e report

echo "13 jobs: $xpm_done already done, $xpm_ran ran, $xpm_failed failed, blocked or busy"
if [ -n "$xpm_report" ]; then xpm_make_report || exit 1; fi
[ "$xpm_failed" -eq 0 ]
