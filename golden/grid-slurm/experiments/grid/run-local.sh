#!/usr/bin/env bash
# experimaestro-ts: runs experiment grid on this machine, one job at a time, in
# dependency order, with bash only. Jobs already done are skipped; after a failure, fix the
# cause and run this again: only the failed jobs and their dependents run.
set -u
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
  case $? in
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

xpm_job jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 Train
xpm_job jobs/grid.evaluate/2c181da9953ae45e9afd275ab8a6f7fd00b28cabc93913dbb606ed3f14903506 Evaluate
xpm_job jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 Train
xpm_job jobs/grid.evaluate/302e38bbd29c396bd8205e2339942f20ff3fb39fa773765111c85ffddff8b821 Evaluate
xpm_job jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a Train
xpm_job jobs/grid.evaluate/d1ef81bf5642e5ca0f96d2a5b4e36e6ce8529dd038cd04b4c2f0dbdbf5393fa0 Evaluate
xpm_job jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c Train
xpm_job jobs/grid.evaluate/d33e326c020b9c63982ddb46fb572111467a06f7fcde213dc08da6b199f79fbd Evaluate
xpm_job jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 Train
xpm_job jobs/grid.evaluate/eb845b108d23ae0ae318502869fea57df3ee235be532d631424a8cb79164f63a Evaluate
xpm_job jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 Train
xpm_job jobs/grid.evaluate/341a9c12dc8c7f62ca82938cc31b1dcb88c9b686c997ea3b0fbbd71238a8252d Evaluate
xpm_job jobs/grid.report/3862d63e660ee0d3c17cf0e15fd384f5614294e88ae77b465ad1b64155191e2d Report

echo "13 jobs: $xpm_done already done, $xpm_ran ran, $xpm_failed failed, blocked or busy"
[ "$xpm_failed" -eq 0 ]
