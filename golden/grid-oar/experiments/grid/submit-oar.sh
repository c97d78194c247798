#!/usr/bin/env bash
# experimaestro-ts: submits experiment grid to OAR, in dependency order, with bash
# and oarsub only. OAR starts a job once its parents have ended (-a, "anterior"), however they
# ended; the job script then refuses to run unless every parent is done (afterok semantics).
# Nothing needs to keep running. Idempotent: jobs that are done, waiting or running are left
# alone; failed ones are submitted again, chained to fresh parent ids.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
xpm_ws=$PWD

xpm_ids=()
xpm_held=()
xpm_done=0
xpm_queued=0
xpm_submitted=0
xpm_waiting=0

# Whether a recorded id is waiting or running.
xpm_alive() {
  local line
  line=$(oarstat -s -j "$1" 2>/dev/null) || return 1
  case "${line#*: }" in
    Waiting* | Hold* | toLaunch* | Launching* | Running* | Finishing* | Suspended* | Resuming* | toAckReservation*) return 0 ;;
  esac
  return 1
}

# A job of this driver. $1: index, $2: job directory, $3: job name, then the indices of its parents.
xpm_submit() {
  local i=$1 dir=$2 name=$3 p out id parents=""
  local after=()
  shift 3
  if [ -e "$dir/$name.done" ]; then
    echo "done       $dir"
    xpm_done=$((xpm_done + 1))
    return 0
  fi
  for p in "$@"; do
    if [ -n "${xpm_held[p]:-}" ]; then
      echo "waiting    $dir (a parent job is not done and runs elsewhere)"
      xpm_held[i]=1
      xpm_waiting=$((xpm_waiting + 1))
      return 0
    fi
    if [ -n "${xpm_ids[p]:-}" ]; then
      after+=(-a "${xpm_ids[p]}")
      parents="$parents:${xpm_ids[p]}"
    fi
  done
  if [ -f "$dir/$name.oar-id" ]; then
    id=$(cat "$dir/$name.oar-id")
    if xpm_alive "$id"; then
      echo "queued     $dir ($id)"
      xpm_ids[i]=$id
      xpm_queued=$((xpm_queued + 1))
      return 0
    fi
  fi
  rm -f "$dir/$name.failed"
  if ! out=$(cd "$xpm_ws/$dir" && oarsub "${after[@]}" -d "$xpm_ws/$dir" -S "./$name.sh" 2>&1); then
    echo "error: oarsub refused $dir ($name): $out" >&2
    echo "ids already submitted are recorded; fix the cause and run this script again" >&2
    exit 1
  fi
  id=$(printf '%s\n' "$out" | sed -n 's/^OAR_JOB_ID=\([0-9][0-9]*\).*/\1/p')
  if [ -z "$id" ]; then
    echo "error: no OAR_JOB_ID in the output of oarsub for $dir: $out" >&2
    exit 1
  fi
  printf '%s\n' "$id" > "$dir/$name.oar-id"
  xpm_ids[i]=$id
  xpm_submitted=$((xpm_submitted + 1))
  echo "submitted  $dir ($id${parents:+, after ${parents#:}})"
}

# A job of another launcher: its dependents here wait until it is done. $1: index, $2: dir, $3: name.
xpm_elsewhere() {
  if [ -e "$2/$3.done" ]; then return 0; fi
  xpm_held[$1]=1
}

xpm_submit 0 jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 train
xpm_submit 1 jobs/grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1 evaluate 0
xpm_submit 2 jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 train
xpm_submit 3 jobs/grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758 evaluate 2
xpm_submit 4 jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a train
xpm_submit 5 jobs/grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9 evaluate 4
xpm_submit 6 jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c train
xpm_submit 7 jobs/grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8 evaluate 6
xpm_submit 8 jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 train
xpm_submit 9 jobs/grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25 evaluate 8
xpm_submit 10 jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 train
xpm_submit 11 jobs/grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4 evaluate 10
xpm_submit 12 jobs/grid.report/06b1a52fee59328071289c2236fec26cc1fb8448f34645d2543cd8d05204914e report 5 11 7 3 1 9

echo "13 jobs: $xpm_submitted submitted, $xpm_queued already queued or running, $xpm_done done, $xpm_waiting waiting for jobs elsewhere"
