#!/usr/bin/env bash
# experimaestro-ts: prints the state of each job of experiment grid, from its
# markers and, for submitted jobs, from the scheduler (squeue, oarstat) when it is reachable.
set -u
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

xpm_state jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 Train slurm
xpm_state jobs/grid.evaluate/2c181da9953ae45e9afd275ab8a6f7fd00b28cabc93913dbb606ed3f14903506 Evaluate slurm
xpm_state jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 Train slurm
xpm_state jobs/grid.evaluate/302e38bbd29c396bd8205e2339942f20ff3fb39fa773765111c85ffddff8b821 Evaluate slurm
xpm_state jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a Train slurm
xpm_state jobs/grid.evaluate/d1ef81bf5642e5ca0f96d2a5b4e36e6ce8529dd038cd04b4c2f0dbdbf5393fa0 Evaluate slurm
xpm_state jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c Train slurm
xpm_state jobs/grid.evaluate/d33e326c020b9c63982ddb46fb572111467a06f7fcde213dc08da6b199f79fbd Evaluate slurm
xpm_state jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 Train slurm
xpm_state jobs/grid.evaluate/eb845b108d23ae0ae318502869fea57df3ee235be532d631424a8cb79164f63a Evaluate slurm
xpm_state jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 Train slurm
xpm_state jobs/grid.evaluate/341a9c12dc8c7f62ca82938cc31b1dcb88c9b686c997ea3b0fbbd71238a8252d Evaluate slurm
xpm_state jobs/grid.report/3862d63e660ee0d3c17cf0e15fd384f5614294e88ae77b465ad1b64155191e2d Report slurm
