#!/usr/bin/env bash
# experimaestro-ts: prints the state of each job of experiment grid, from its markers
# and, for submitted jobs, from the scheduler when it is reachable. States and words as in
# `experimaestro status`: done, failed (reason), running, queued (reason), blocked (by the failed
# job), submitted, not submitted, todo.
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

# --- Asking the scheduler: rendered from the declarations in src/backends/ -------------------
# One state table per scheduler, shared by the submit drivers, status.sh and `experimaestro status`.
declare -A xpm_table=() xpm_blocking=() xpm_state_of=() xpm_reason_of=() xpm_name_of=() xpm_element_form=()
# The scheduler in use, set by xpm_use_<scheduler>: its name, the extension of its recorded ids,
# its transient errors, how to cancel jobs and the query (xpm_q_*) that lists their states.
# shellcheck disable=SC2034 # not every script uses every field
xpm_use_none() {
  xpm_key=""
  xpm_sched=""
  xpm_ext=""
  xpm_transient=""
  xpm_cancel_cmd=()
  xpm_cancel_ids=()
  xpm_q_cmd=()
  xpm_q_ids=()
  xpm_q_batch=1
  xpm_q_line=""
  xpm_q_groups=()
  xpm_q_none=""
  xpm_q_unknown=""
  xpm_q_rank=""
}
xpm_use_none
# The categories of an ended job for which a scheduler's accounting may say more.
# shellcheck disable=SC2034 # not every script uses every field
xpm_unexplained=' failed ended '
# The categories that say why a job ended (the reason of a job that left no marker).
# shellcheck disable=SC2034 # not every script uses every field
xpm_end_reasons=' failed cancelled timeout node-failure '

# SLURM (src/backends/slurm.ts): the query that lists its jobs, how to cancel them.
# shellcheck disable=SC2034 # not every script uses every field
xpm_use_slurm() {
  xpm_key=slurm
  xpm_sched=SLURM
  xpm_ext=slurm-id
  xpm_transient='Socket timed out|Resource temporarily unavailable|Unable to contact slurm controller'
  xpm_cancel_cmd=(scancel)
  xpm_cancel_ids=('' '' '')
  xpm_q_cmd=(squeue -h -t all -r -o '%i|%T|%r|%j')
  xpm_q_ids=(-j '' ',')
  xpm_q_batch=500
  xpm_q_line=$'^([0-9]+(_[0-9]+)?)\\|([A-Z_]+)\\|([^|]*)\\|(.*)$'
  xpm_q_groups=(1 3 4 5)
  xpm_q_none=' None (null) '
  xpm_q_unknown='Invalid job id specified'
  xpm_q_rank=''
}
# SLURM's accounting, for the jobs its queue no longer shows or shows ended without saying why.
# shellcheck disable=SC2034 # not every script uses every field
xpm_use_slurm_accounting() {
  xpm_q_cmd=(sacct -n -P -X -o 'JobID,State,Reason,JobName')
  xpm_q_ids=(-j '' ',')
  xpm_q_batch=500
  xpm_q_line=$'^([0-9]+(_[0-9]+)?)\\|([A-Z_]+)[^|]*\\|([^|]*)\\|(.*)$'
  xpm_q_groups=(1 3 4 5)
  xpm_q_none=' None (null) '
  xpm_q_unknown=''
  xpm_q_rank=''
}
# How SLURM writes the id of an array element (known by its array's name, not the job's).
xpm_element_form[slurm]=$'^([0-9]+)_([0-9]+)$'
# squeue(1), JOB STATE CODES (SLURM 22.05): what each state means here.
xpm_table[slurm:PENDING]=queued # Job is awaiting resource allocation.
xpm_table[slurm:REQUEUED]=queued # Completing job is being requeued.
xpm_table[slurm:REQUEUE_HOLD]=queued # Held job is being requeued.
xpm_table[slurm:REQUEUE_FED]=queued # Job is being requeued by a federation.
xpm_table[slurm:RESV_DEL_HOLD]=queued # Job is being held after requested reservation was deleted.
xpm_table[slurm:SPECIAL_EXIT]=queued # The job was requeued in a special state. This state can be set by users, typically in EpilogSlurmctld, if the job has terminated with a particular exit value.
xpm_table[slurm:SUSPENDED]=queued # Job has an allocation, but execution has been suspended and CPUs have been released for other jobs.
xpm_table[slurm:STOPPED]=queued # Job has an allocation, but execution has been stopped with SIGSTOP signal. CPUS have been retained by this job.
xpm_table[slurm:CONFIGURING]=running # Job has been allocated resources, but are waiting for them to become ready for use (e.g. booting).
xpm_table[slurm:RUNNING]=running # Job currently has an allocation.
xpm_table[slurm:COMPLETING]=running # Job is in the process of completing. Some processes on some nodes may still be active.
xpm_table[slurm:RESIZING]=running # Job is about to change size.
xpm_table[slurm:SIGNALING]=running # Job is being signaled.
xpm_table[slurm:STAGE_OUT]=running # Job is staging out files.
xpm_table[slurm:COMPLETED]=completed # Job has terminated all processes on all nodes with an exit code of zero.
xpm_table[slurm:FAILED]=failed # Job terminated with non-zero exit code or other failure condition.
xpm_table[slurm:BOOT_FAIL]=node-failure # Job terminated due to launch failure, typically due to a hardware failure (e.g. unable to boot the node or block and the job can not be requeued).
xpm_table[slurm:NODE_FAIL]=node-failure # Job terminated due to failure of one or more allocated nodes.
xpm_table[slurm:OUT_OF_MEMORY]=failed # Job experienced out of memory error.
xpm_table[slurm:CANCELLED]=cancelled # Job was explicitly cancelled by the user or system administrator. The job may or may not have been initiated.
xpm_table[slurm:PREEMPTED]=cancelled # Job terminated due to preemption.
xpm_table[slurm:REVOKED]=cancelled # Sibling was removed from cluster due to other cluster starting the job.
xpm_table[slurm:TIMEOUT]=timeout # Job terminated upon reaching its time limit.
xpm_table[slurm:DEADLINE]=timeout # Job terminated on deadline.
xpm_blocking[slurm:DependencyNeverSatisfied]=1

# Scheduler commands write their stderr here, apart from their output.
xpm_errfile=$(mktemp "${TMPDIR:-/tmp}/xpm-stderr.XXXXXX") || exit 1
trap 'rm -f "$xpm_errfile"' EXIT

# Runs a scheduler command: its stdout in xpm_out, its stderr in xpm_err, its exit status in
# xpm_rc. An error the scheduler declares transient is retried, with a doubling delay.
xpm_call() {
  local attempt=1 delay=${XPM_RETRY_DELAY:-2} tries=${XPM_RETRIES:-5}
  while :; do
    xpm_out=$("$@" 2>"$xpm_errfile" 8>&-)
    xpm_rc=$?
    xpm_err=""
    if [ -s "$xpm_errfile" ]; then
      IFS= read -r -d '' xpm_err <"$xpm_errfile"
      xpm_err=${xpm_err%$'\n'}
    fi
    if [ "$xpm_rc" -eq 0 ] || [ "$attempt" -ge "$tries" ] || [[ ! $xpm_err =~ $xpm_transient ]]; then
      return 0
    fi
    echo "warning: $1: ${xpm_err//$'\n'/ } (attempt $attempt of $tries, again in ${delay}s)" >&2
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$((delay * 2))
  done
}

# Ids as the scheduler takes them: $1 a flag ('' none), $2 a prefix, $3 a separator ('': one
# word per id, each after the flag), then the ids. Sets xpm_words.
xpm_idwords() {
  local flag=$1 prefix=$2 sep=$3 id joined=""
  shift 3
  xpm_words=()
  [ "$#" -gt 0 ] || return 0
  if [ -n "$sep" ]; then
    for id in "$@"; do joined+=${joined:+$sep}$id; done
    set -- "$joined"
  fi
  for id in "$@"; do
    if [ -n "$flag" ]; then xpm_words+=("$flag"); fi
    xpm_words+=("$prefix$id")
  done
}

# Whether the query's stderr says only that it knows none of the ids (an answer, not a failure).
xpm_unknown_only() {
  local line seen=""
  [ -n "$xpm_q_unknown" ] || return 1
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    [[ $line =~ $xpm_q_unknown ]] || return 1
    seen=1
  done <<<"$xpm_err"
  [ -n "$seen" ]
}

# Whether word $1 of a query with words of its own (xpm_q_rank, first first) wins over $2, the
# word recorded before for the same job: it must be one of them, and come before $2.
xpm_outranks() {
  local before
  [[ $xpm_q_rank == *" $1 "* ]] || return 1
  before=${xpm_q_rank%%" $1 "*}
  [[ "$before " != *" $2 "* ]] && [ "$1" != "$2" ]
}

# Records what each line of the query's output says: state, reason and job name by id.
xpm_record() {
  local line id word reason name
  while IFS= read -r line; do
    [[ $line =~ $xpm_q_line ]] || continue
    id=$xpm_key:${BASH_REMATCH[xpm_q_groups[0]]}
    word=${BASH_REMATCH[xpm_q_groups[1]]}
    reason=${BASH_REMATCH[xpm_q_groups[2]]}
    name=${BASH_REMATCH[xpm_q_groups[3]]}
    if [ -n "$xpm_q_rank" ] && ! xpm_outranks "$word" "${xpm_state_of[$id]:-}"; then continue; fi
    xpm_state_of[$id]=$word
    unset "xpm_reason_of[$id]"
    if [ "${xpm_q_groups[2]}" -gt 0 ] && [[ $xpm_q_none != *" $reason "* ]]; then xpm_reason_of[$id]=$reason; fi
    if [ "${xpm_q_groups[3]}" -gt 0 ]; then xpm_name_of[$id]=$name; fi
  done <<<"$xpm_out"
}

# Asks the scheduler about ids ($@), a batch at a time. Returns 1, with the scheduler's message
# in xpm_error, when it did not answer.
xpm_query() {
  local batch=()
  while [ "$#" -gt 0 ]; do
    batch=("${@:1:xpm_q_batch}")
    shift "${#batch[@]}"
    xpm_idwords "${xpm_q_ids[@]}" "${batch[@]}"
    xpm_call "${xpm_q_cmd[@]}" "${xpm_words[@]}"
    if [ "$xpm_rc" -ne 0 ] && ! xpm_unknown_only; then
      xpm_error="${xpm_q_cmd[0]} failed (exit $xpm_rc): ${xpm_err:-$xpm_out}"
      return 1
    fi
    xpm_record
  done
}

# What the scheduler said of recorded id $2 of scheduler $1, for the job it should know as $3.
# Sets xpm_cat to a category of the state table, "absent" (not known, or the id is another job's
# now) or "unknown" (a state missing from the table); xpm_raw and xpm_reason to its words.
xpm_classify() {
  local id=$1:$2
  xpm_raw=${xpm_state_of[$id]:-}
  xpm_reason=${xpm_reason_of[$id]:-}
  if [ -z "$xpm_raw" ] || [ "${xpm_name_of[$id]:-$3}" != "$3" ]; then
    xpm_cat=absent
    return 0
  fi
  xpm_cat=${xpm_table[$1:$xpm_raw]:-unknown}
  if [ -n "$xpm_reason" ] && [ -n "${xpm_blocking[$1:$xpm_reason]:-}" ] && [ "$xpm_cat" != running ] && [ "$xpm_cat" != completed ]; then
    xpm_cat=blocked
  fi
}
# --- end of the scheduler part ----------------------------------------------------------------

xpm_dir=()
xpm_n=()
xpm_label=()
xpm_sk=()
xpm_par=()
xpm_rec=()
xpm_idf=()
xpm_bad=()
declare -A xpm_answered=()
xpm_schedulers=(slurm)

# A job: index, directory, name, label (task/hash8), scheduler ("-": none), then its parents' indices.
xpm_job() {
  local i=$1
  xpm_dir[i]=$2
  xpm_n[i]=$3
  xpm_label[i]=$4
  xpm_sk[i]=$5
  shift 5
  xpm_par[i]="$*"
}

# An array: its name, then its jobs' indices (an element's id is known by the array's name).
xpm_aname=()
xpm_array() {
  local name=$1 i
  shift
  for i in "$@"; do xpm_aname[i]=$name; done
}

# Asks each scheduler about the recorded ids of its jobs not done yet (one query per scheduler,
# then its accounting for the ids it no longer knows or says ended without saying why).
xpm_ask() {
  local k i ids absent raw
  for k in ${xpm_schedulers[@]+"${xpm_schedulers[@]}"}; do
    "xpm_use_$k"
    ids=()
    for i in "${!xpm_dir[@]}"; do
      if [ "${xpm_sk[i]}" = "$k" ] && [ -f "${xpm_dir[i]}/${xpm_n[i]}.$xpm_ext" ]; then
        xpm_idf[i]=${xpm_dir[i]}/${xpm_n[i]}.$xpm_ext
        IFS= read -r "xpm_rec[$i]" <"${xpm_idf[i]}"
        # A job that is done needs no asking.
        if [ -n "${xpm_rec[i]}" ] && [ ! -e "${xpm_dir[i]}/${xpm_n[i]}.done" ]; then ids+=("${xpm_rec[i]}"); fi
      fi
    done
    if [ "${#ids[@]}" -eq 0 ] || ! command -v "${xpm_q_cmd[0]}" >/dev/null 2>&1; then continue; fi
    if ! xpm_query "${ids[@]}"; then
      echo "warning: $xpm_error (states from the job markers only)" >&2
      continue
    fi
    xpm_answered[$k]=1
    declare -F "xpm_use_${k}_accounting" >/dev/null || continue
    absent=()
    for i in "${ids[@]}"; do
      raw=${xpm_state_of[$k:$i]:-}
      if [ -z "$raw" ] || [[ $xpm_unexplained == *" ${xpm_table[$k:$raw]:-unknown} "* ]]; then absent+=("$i"); fi
    done
    "xpm_use_${k}_accounting"
    if [ "${#absent[@]}" -gt 0 ] && command -v "${xpm_q_cmd[0]}" >/dev/null 2>&1; then xpm_query "${absent[@]}" || true; fi
  done
}

# The state of job $1, in the order `experimaestro status` reads it: markers, then the
# scheduler or the job's lock, then what was recorded.
xpm_state() {
  local i=$1 d=${xpm_dir[$1]}/${xpm_n[$1]} k=${xpm_sk[$1]} p by="" marker="" text="" cat="" want
  xpm_detail=""
  for p in ${xpm_par[i]}; do
    if [ -n "${xpm_bad[p]:-}" ]; then
      by=${xpm_label[p]}
      break
    fi
  done
  if [ -e "$d.failed" ]; then
    IFS= read -r -d '' text <"$d.failed"
    marker=failed
    if [[ $text =~ \"reason\":\ *\"([a-z]+)\" ]]; then marker=${BASH_REMATCH[1]}; fi
  fi
  if [ -n "${xpm_rec[i]:-}" ] && [ -n "${xpm_answered[$k]:-}" ]; then
    want=${xpm_label[i]/\//-}
    if [ -n "${xpm_aname[i]:-}" ] && [ -n "${xpm_element_form[$k]:-}" ] && [[ ${xpm_rec[i]} =~ ${xpm_element_form[$k]} ]]; then want=${xpm_aname[i]}; fi
    xpm_classify "$k" "${xpm_rec[i]}" "$want"
    cat=$xpm_cat
  fi
  if [ -e "$d.done" ]; then
    xpm_now="done"
  elif [ -n "$by" ] && { [ -z "$marker" ] || [ "$marker" = dependency ]; }; then
    # Below a failed job, even while a scheduler launches it (OAR's -a starts it however its
    # parent ended, and its script then refuses to run).
    xpm_now=blocked
    xpm_detail="by $by"
  # A job script clears its markers when it starts: a marker newer than the recorded submission
  # is this run's end, while the scheduler may still show the job finishing (SLURM's COMPLETING).
  elif { [ "$cat" = running ] && ! { [ -n "$marker" ] && [ "$d.failed" -nt "${xpm_idf[i]}" ]; }; } || { [ "$k" = - ] && [ -z "$marker" ] && [ -e "$d.lock" ] && ! flock -n "$d.lock" true 2>/dev/null; }; then
    xpm_now=running
  elif [ "$cat" = blocked ]; then
    xpm_now=blocked
    xpm_detail="by $xpm_reason"
  elif [ "$cat" = queued ] || [ "$cat" = unknown ]; then
    xpm_now=queued
    xpm_detail=${xpm_reason:-$xpm_raw}
  elif [ -n "$marker" ]; then
    xpm_now=failed
    xpm_detail=$marker
    # The job's own marker says why it ended; but a time limit ends in SIGTERM, which the job
    # may take for a cancellation, and the scheduler knows better.
    if [ "$marker:$cat" = cancelled:timeout ]; then xpm_detail=timeout; fi
  elif [ -n "$cat" ]; then
    # It ended without a marker (cancelled while queued, failed to launch, killed): the scheduler says how.
    xpm_now=failed
    xpm_detail=lost
    if [[ $xpm_end_reasons == *" $cat "* ]]; then xpm_detail=$cat; fi
  elif [ -n "${xpm_rec[i]:-}" ]; then
    xpm_now=submitted
  elif [ "$k" != - ]; then
    xpm_now="not submitted"
  else
    xpm_now=todo
  fi
  if [ "$xpm_now" = failed ] || [ "$xpm_now" = blocked ]; then xpm_bad[i]=1; fi
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

# The jobs, in dependency order.
xpm_job 0 jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 train grid.Train/05b4b186 slurm
xpm_job 1 jobs/grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1 evaluate grid.Evaluate/d87c2cca slurm 0
xpm_job 2 jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 train grid.Train/095dc9e7 slurm
xpm_job 3 jobs/grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758 evaluate grid.Evaluate/93c5c22c slurm 2
xpm_job 4 jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a train grid.Train/3a8de950 slurm
xpm_job 5 jobs/grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9 evaluate grid.Evaluate/591f77be slurm 4
xpm_job 6 jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c train grid.Train/85f779cb slurm
xpm_job 7 jobs/grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8 evaluate grid.Evaluate/90bd2caa slurm 6
xpm_job 8 jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 train grid.Train/b8caf085 slurm
xpm_job 9 jobs/grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25 evaluate grid.Evaluate/ee1e0012 slurm 8
xpm_job 10 jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 train grid.Train/ed150993 slurm
xpm_job 11 jobs/grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4 evaluate grid.Evaluate/6f3cfb89 slurm 10
xpm_job 12 jobs/grid.report/06b1a52fee59328071289c2236fec26cc1fb8448f34645d2543cd8d05204914e report grid.Report/06b1a52f slurm 5 11 7 3 1 9
xpm_array train-array-05b4b186 0 2 4 6 8 10
xpm_array evaluate-array-d87c2cca 1 3 5 7 9 11

xpm_ask
for xpm_i in "${!xpm_dir[@]}"; do
  xpm_state "$xpm_i"
  xpm_k=${xpm_sk[xpm_i]}
  xpm_r=${xpm_rec[xpm_i]:-}
  printf '%s  %s%s\n' "${xpm_dir[xpm_i]}" "$xpm_now${xpm_detail:+ ($xpm_detail)}" "${xpm_r:+ [$xpm_k $xpm_r]}"
done
if [ -n "$xpm_report" ]; then xpm_make_report; fi
