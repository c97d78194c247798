#!/usr/bin/env bash
# A fake scheduler command for test/e2e/drivers.test.ts (see fake-schedulers.ts): it plays the
# command it is called as, with its state in $FAKE.
set -u
cmd=${0##*/}
printf '%s\n' "$cmd $*" >>"$FAKE/calls"
if [ -f "$FAKE/delay.$cmd" ]; then sleep "$(cat "$FAKE/delay.$cmd")"; fi
if [ -f "$FAKE/stderr.$cmd" ]; then cat "$FAKE/stderr.$cmd" >&2; fi
# sbatch --test-only fails by fail.sbatch-test, apart from submissions.
fail=$FAKE/fail.$cmd
if [[ " $* " == *" --test-only "* ]]; then fail=$FAKE/fail.$cmd-test; fi
if [ -f "$fail" ]; then
  IFS='|' read -r n code msg <"$fail"
  if [ "$n" = '*' ] || [ "$n" -gt 0 ]; then
    if [ "$n" != '*' ]; then printf '%s|%s|%s\n' "$((n - 1))" "$code" "$msg" >"$fail"; fi
    printf '%s\n' "$msg" >&2
    exit "$code"
  fi
fi
if [ -f "$FAKE/stdout.$cmd" ]; then
  cat "$FAKE/stdout.$cmd"
  exit 0
fi
mkdir -p "$FAKE/jobs" "$FAKE/deps"
new_id() {
  local n=100
  if [ -f "$FAKE/next" ]; then read -r n <"$FAKE/next"; fi
  echo "$((n + 1))" >"$FAKE/next"
  id=$n
}
# The job name in the script's header ($1: the script, $2: the directive's pattern).
name_of() { sed -n "s/^$2//p" "$1" | head -n 1; }
known() { [ -f "$FAKE/jobs/$1" ]; }
case $cmd in
  sbatch)
    script=${!#}
    if [[ " $* " == *" --test-only "* ]]; then
      if [ -f "$FAKE/refuse" ] && grep -q -f "$FAKE/refuse" "$script"; then
        echo "sbatch: error: Batch job submission failed: Requested node configuration is not available" >&2
        exit 1
      fi
      echo "sbatch: Job 999 to start at 2030-01-01T00:00:00 using 1 processors on nodes n1 in partition debug" >&2
      exit 0
    fi
    new_id
    deps=""
    array=""
    name=""
    # The script is the last *.sh word (an array script takes its offset after it).
    for a in "$@"; do case $a in *.sh) script=$a ;; esac; done
    for a in "$@"; do
      case $a in
        --dependency=afterok:*) deps=${a#--dependency=afterok:} ;;
        --dependency=*) deps=${a#--dependency=} ;;
        --array=*) array=${a#--array=} ;;
        --job-name=*) name=${a#--job-name=} ;;
      esac
    done
    if [ -z "$name" ]; then name=$(name_of "$script" '#SBATCH --job-name='); fi
    echo "$deps" | tr ':' ' ' >"$FAKE/deps/$id"
    reason=None
    if [ -n "$deps" ]; then reason=Dependency; fi
    if [ -n "$array" ]; then
      # --array=0-3,7%2: one job file per element, <id>_<index>.
      spec=${array%\%*}
      for part in ${spec//,/ }; do
        for ((k = ${part%-*}; k <= ${part#*-}; k++)); do echo "PENDING|$reason|$name" >"$FAKE/jobs/${id}_$k"; done
      done
    else
      echo "PENDING|$reason|$name" >"$FAKE/jobs/$id"
    fi
    # taken.sbatch (N): the next N submissions are taken, and then time out all the same.
    if [ -f "$FAKE/taken.sbatch" ] && read -r n <"$FAKE/taken.sbatch" && [ "$n" -gt 0 ]; then
      echo "$((n - 1))" >"$FAKE/taken.sbatch"
      echo "sbatch: error: Batch job submission failed: Socket timed out on send/recv operation" >&2
      exit 1
    fi
    if [ -f "$FAKE/cluster" ]; then echo "$id;$(cat "$FAKE/cluster")"; else echo "$id"; fi
    ;;
  squeue)
    ids=""
    user=""
    while [ "$#" -gt 0 ]; do
      if [ "$1" = -j ]; then ids=${2//,/ }; shift; fi
      if [ "$1" = -u ]; then user=$2; shift; fi
      # -n NAME (with -o %i): the ids of the queued or running jobs of that name.
      if [ "$1" = -n ]; then
        for f in "$FAKE"/jobs/*; do
          [ -f "$f" ] || continue
          IFS='|' read -r state reason name <"$f"
          case $state in PENDING | RUNNING) if [ "$name" = "$2" ]; then echo "${f##*/}"; fi ;; esac
        done
        exit 0
      fi
      shift
    done
    # -u USER: the user's jobs still queued or running, one id a line (the driver counts them).
    if [ -n "$user" ]; then
      for f in "$FAKE"/jobs/*; do
        [ -f "$f" ] || continue
        case $(cut -d'|' -f1 "$f") in PENDING | RUNNING) echo "${f##*/}" ;; esac
      done
      exit 0
    fi
    printed=0
    for id in $ids; do if known "$id"; then echo "$id|$(cat "$FAKE/jobs/$id")"; printed=1; fi; done
    # squeue asks for one job by id, and for several by listing all jobs (opts.c, squeue.c).
    if [ "$printed" = 0 ] && [ "$(echo "$ids" | wc -w)" = 1 ]; then
      echo "slurm_load_jobs error: Invalid job id specified" >&2
      exit 1
    fi
    ;;
  sacct)
    if [ ! -d "$FAKE/accounting" ]; then
      echo "Slurm accounting storage is disabled" >&2
      exit 1
    fi
    while [ "$#" -gt 0 ]; do
      if [ "$1" = -j ]; then for id in ${2//,/ }; do [ -f "$FAKE/accounting/$id" ] && echo "$id|$(cat "$FAKE/accounting/$id")"; done; shift; fi
      shift
    done
    ;;
  scancel | oardel | qdel)
    for id in "$@"; do
      if known "$id"; then
        IFS='|' read -r state reason name <"$FAKE/jobs/$id"
        case $cmd in scancel) state=CANCELLED ;; oardel) state=Error ;; qdel) state=F ;; esac
        echo "$state|$reason|$name" >"$FAKE/jobs/$id"
      fi
    done
    ;;
  oarsub)
    deps=""
    script=""
    while [ "$#" -gt 0 ]; do
      case $1 in -a) deps="$deps $2"; shift ;; -S) script=$2; shift ;; esac
      shift
    done
    new_id
    echo "$deps" >"$FAKE/deps/$id"
    echo "Waiting||$(name_of "$script" '#OAR -n ')" >"$FAKE/jobs/$id"
    echo "[ADMISSION RULE] Set default walltime to 7200."
    echo "[ADMISSION RULE] Modify resource description with type constraints"
    # taken.oarsub (N): the next N submissions are in the database, and then fail all the same.
    if [ -f "$FAKE/taken.oarsub" ] && read -r n <"$FAKE/taken.oarsub" && [ "$n" -gt 0 ]; then
      echo "$((n - 1))" >"$FAKE/taken.oarsub"
      echo "[ERROR] DB connection error" >&2
      exit 1
    fi
    echo "OAR_JOB_ID=$id"
    ;;
  oarstat)
    # -s: `ID: State` per known job; -e: its events (what the real one prints of each).
    events=""
    if [ "${1:-}" = -e ]; then events=1; fi
    # -u USER --sql "job_name = 'NAME' and state in (...)": the jobs of that name OAR holds, as
    # the default format prints them.
    if [ "${1:-}" = -u ] && [ "${3:-}" = --sql ]; then
      want=${4#job_name = \'}
      want=${want%%\'*}
      echo "Job id    S User     Duration   System message"
      echo "--------- - -------- ---------- ------------------------------------------------"
      for f in "$FAKE"/jobs/*; do
        [ -f "$f" ] || continue
        IFS='|' read -r state reason name <"$f"
        case $state in Waiting | Running) if [ "$name" = "$want" ]; then printf '%-9s %s %-8s    0:00:00 R=1,W=2:0:0,J=B,N=%s (Karma=0.000,quota_ok)\n' "${f##*/}" "${state:0:1}" "$2" "$name"; fi ;; esac
      done
      exit 0
    fi
    while [ "$#" -gt 0 ]; do
      if [ "$1" = -j ] && [ -n "$events" ]; then
        if [ -f "$FAKE/events/$2" ]; then cat "$FAKE/events/$2"; fi
      elif [ "$1" = -j ] && known "$2"; then
        echo "$2: $(cut -d'|' -f1 "$FAKE/jobs/$2")"
      fi
      shift
    done
    ;;
  qsub)
    script=${!#}
    deps=""
    while [ "$#" -gt 0 ]; do
      if [ "$1" = -W ]; then deps=${2#depend=afterok:}; shift; fi
      shift
    done
    new_id
    echo "$deps" | tr ':' ' ' >"$FAKE/deps/$id.pbs"
    echo "Q||$(name_of "$script" '#PBS -N ')" >"$FAKE/jobs/$id.pbs"
    echo "$id.pbs"
    ;;
  qstat)
    rc=0
    printed=0
    for id in "$@"; do
      case $id in -*) continue ;; esac
      if known "$id"; then
        if [ "$printed" = 0 ]; then
          echo "Job id                         Name            User             Time Use S Queue"
          echo "------------------------------ --------------- ---------------  -------- - -----"
          printed=1
        fi
        IFS='|' read -r state reason name <"$FAKE/jobs/$id"
        printf '%-30s %-15.15s %-15s  %8s %s %s\n' "$id" "$name" alice 00:00:00 "$state" workq
      else
        echo "qstat: Unknown Job Id $id" >&2
        rc=153
      fi
    done
    exit "$rc"
    ;;
esac
