#!/usr/bin/env bash
# experimaestro-ts: prints the state of each job of experiment grid, from its
# markers and, for submitted jobs, from the scheduler (squeue, oarstat) when it is reachable.
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

# The scheduler's word on a recorded id, when the job is still queued or running.
xpm_sched() {
  local line
  case "$1" in
    slurm)
      line=$(squeue -h -t all -r -j "$2" -o '%T|%r' 2>/dev/null) || return 0
      case "$line" in
        PENDING*DependencyNeverSatisfied*) echo "blocked (a dependency failed)" ;;
        PENDING*Dependency*) echo "queued (waiting for its dependencies)" ;;
        PENDING* | REQUEUED* | SUSPENDED*) echo "queued (${line%%|*})" ;;
        RUNNING* | CONFIGURING* | COMPLETING*) echo "running" ;;
      esac
      ;;
    oar)
      line=$(oarstat -s -j "$2" 2>/dev/null) || return 0
      case "${line#*: }" in
        Waiting* | Hold* | toAckReservation*) echo "queued (${line#*: })" ;;
        toLaunch* | Launching* | Running* | Finishing* | Resuming*) echo "running" ;;
      esac
      ;;
  esac
}

# $1: job directory, $2: job name, $3: scheduler (slurm, oar) or "local".
# States and words as in `experimaestro status`: done, failed (reason), running, queued, blocked,
# submitted, not submitted, todo.
xpm_state() {
  local state="todo" id="" sched="" failed=""
  if [ "$3" != local ]; then
    state="not submitted"
    if [ -f "$1/$2.$3-id" ]; then id=$(<"$1/$2.$3-id"); fi
  fi
  if [ -e "$1/$2.done" ]; then
    state="done"
  elif [ -n "$id" ] && sched=$(xpm_sched "$3" "$id") && [ -n "$sched" ]; then
    state=$sched
  elif [ -e "$1/$2.failed" ]; then
    failed=$(<"$1/$2.failed")
    if [[ $failed =~ \"reason\":\ *\"([a-z]+)\" ]]; then failed=${BASH_REMATCH[1]}; fi
    if [ "$failed" = dependency ]; then state="blocked (a dependency failed)"; else state="failed ($failed)"; fi
  elif [ -n "$id" ]; then
    state="submitted"
  elif [ -e "$1/$2.lock" ] && ! flock -n "$1/$2.lock" true 2>/dev/null; then
    state="running"
  fi
  printf '%s  %s%s\n' "$1" "$state" "${id:+ [$3 $id]}"
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

xpm_state jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 train slurm
xpm_state jobs/grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1 evaluate slurm
xpm_state jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 train slurm
xpm_state jobs/grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758 evaluate slurm
xpm_state jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a train slurm
xpm_state jobs/grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9 evaluate slurm
xpm_state jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c train slurm
xpm_state jobs/grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8 evaluate slurm
xpm_state jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 train slurm
xpm_state jobs/grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25 evaluate slurm
xpm_state jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 train slurm
xpm_state jobs/grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4 evaluate slurm
xpm_state jobs/grid.report/06b1a52fee59328071289c2236fec26cc1fb8448f34645d2543cd8d05204914e report slurm
if [ -n "$xpm_report" ]; then xpm_make_report; fi
