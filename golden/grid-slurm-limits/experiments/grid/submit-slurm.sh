#!/usr/bin/env bash
# experimaestro-ts: submits experiment grid to SLURM, in dependency order, with bash
# and sbatch only. Each job is submitted with its parents' ids (`--dependency=afterok:1:2`),
# and its script refuses to run unless every parent is done. Nothing needs to keep running:
# submit, log out, come back.
#
# Run it again at any time: jobs that are done, queued or running are left alone; failed or
# cancelled ones are submitted again, and so are the jobs that waited on them (their old
# submissions, chained to ids that will never succeed, are cancelled). Nothing is submitted when
# SLURM cannot say what is already queued, or would refuse one of the scripts to submit; two
# runs at once never overlap (experiments/grid/submit.lock).
#
# Options (also read from the environment, so a continuation job keeps them):
#   --no-arrays              one submission per job ($XPM_NO_ARRAYS=1)
#   --array-parallelism=N    at most N elements of each array at once ($XPM_ARRAY_PARALLELISM)
#   --max-array-size=N       arrays of at most N elements ($XPM_MAX_ARRAY_SIZE)
#   --max-submit=N           at most N jobs of this user queued or running ($XPM_MAX_SUBMIT); the
#                            rest is submitted by a continuation job, this driver run again by
#                            SLURM once the jobs submitted so far have ended
#   --continue               (the continuation job's own) failed jobs are left for a re-run by hand
set -u
xpm_no_arrays=${XPM_NO_ARRAYS:-}
xpm_continuing=""
for xpm_arg in "$@"; do
  case $xpm_arg in
    --no-arrays) xpm_no_arrays=1 ;;
    --array-parallelism=[1-9]*) export XPM_ARRAY_PARALLELISM=${xpm_arg#*=} ;;
    --max-array-size=[1-9]*) export XPM_MAX_ARRAY_SIZE=${xpm_arg#*=} ;;
    --max-submit=[1-9]*) export XPM_MAX_SUBMIT=${xpm_arg#*=} ;;
    --continue) xpm_continuing=1 ;;
    *)
      echo "error: unknown option $xpm_arg (options: --no-arrays, --array-parallelism=N, --max-array-size=N, --max-submit=N)" >&2
      exit 2
      ;;
  esac
done
export XPM_NO_ARRAYS=$xpm_no_arrays
# From the workspace. A scheduler runs a copy of this script (a continuation job) from this
# experiment's folder.
xpm_here=$(dirname "${BASH_SOURCE[0]}")
if [ ! -f "$xpm_here/manifest.json" ] && [ -f manifest.json ]; then xpm_here=.; fi
cd "$xpm_here/../.." || exit 1
xpm_ws=$PWD
xpm_xp=experiments/grid

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

# How SLURM takes a job (src/backends/slurm.ts): the command, how the parents' ids are
# written, the pattern of the id it prints on stdout.
xpm_submit_cmd=(sbatch --parsable)
xpm_dep_ids=('' --dependency=afterok: :)
xpm_id_re=$'^([0-9]+)(;[^;]+)?$'
# A submission that only checks a script, once per set of resources (none: no such command).
xpm_test_cmd=(sbatch --test-only)
# Lists this user's queued or running jobs of a name ({name}; {user} the user), one id per line
# matching xpm_find_re (an array's elements: xpm_element_re): a submission that timed out is
# looked for by its name before it is tried again (none: it is tried again unchecked).
xpm_find_cmd=(squeue -h --me -r -t 'PENDING,CONFIGURING,RUNNING,SUSPENDED' -o %i -n '{name}')
xpm_find_re=$'^([0-9]+)$'
# The words of one job, submitted from its directory: $1 that directory (absolute), $2 the job's name.
xpm_job_words() {
  xpm_words=("--chdir=$1" "--output=${1//%/%%}/$2.out" "--error=${1//%/%%}/$2.err" "./$2.sh")
}

# Arrays (none: one submission per job), src/backends/slurm.ts: the words of an array ($1 its
# indices, $2 its throttle), the throttle's form, how an element's id is written and read back,
# the words of its dependencies, and the words of the array script ($1 the arrays' folder, $2 its name).
xpm_arrays=1
xpm_array_words() {
  xpm_words=("--array=$1$2")
}
xpm_throttle_form='%{n}'
xpm_element_re=${xpm_element_form[slurm]:-'^$'}
xpm_element() {
  xpm_el="${1}_${2}"
}
xpm_deps_form=(--dependency= afterok: aftercorr: afterany: : ',')
xpm_array_job_words() {
  xpm_words=("--chdir=$1" "--job-name=$2" "--output=${1//%/%%}/$2.log" "--error=${1//%/%%}/$2.log" "--open-mode=append" "./$2.sh")
}
# Site limits (launchers.yaml: max_array_size, max_submit, submit_rate; 0: none), the command
# that lists what a user has queued, and the continuation job's words ($1 this experiment's
# folder, $2 this driver's name) and its delay when it has nothing to wait for ($1 seconds).
xpm_max_array=${XPM_MAX_ARRAY_SIZE:-4}
xpm_max_submit=${XPM_MAX_SUBMIT:-50}
xpm_submit_rate=10
xpm_queued_cmd=(squeue -h -r -u '{user}' -t 'PENDING,RUNNING,SUSPENDED,CONFIGURING,COMPLETING,REQUEUED,STOPPED' -o %i)
xpm_continue_words() {
  xpm_words=("--chdir=$1" "--job-name=xpm-continue-$2" "--output=${1//%/%%}/$2.log" "--error=${1//%/%%}/$2.log" "--open-mode=append" "--time=00:10:00" "--cpus-per-task=1" "--mem=256M" "--kill-on-invalid-dep=no" "./$2.sh")
}
xpm_delay_words() {
  xpm_words=("--begin=now+$1")
}

xpm_dir=()
xpm_n=()
xpm_label=()
xpm_cls=()
xpm_par=()
xpm_own=()
xpm_other=()
xpm_rec=()
xpm_cat_of=()
xpm_do=()
xpm_id=()
xpm_by=()
xpm_count_done=0
xpm_count_kept=0
xpm_count_submitted=0
xpm_count_waiting=0
xpm_count_blocked=0
xpm_count_deferred=0
xpm_count_failed=0
xpm_count_calls=0
# Array groups (src/emit/arrays.ts), in their order: name, throttle, correlated groups; members.
xpm_groups=()
xpm_gname=()
xpm_gthrottle=()
xpm_gcorr=()
xpm_members=()
xpm_gsize=()
xpm_grp=()
xpm_pos=()
xpm_fresh=()
# What this run submitted (the continuation waits for it), and how many more it may submit (-1: no limit).
xpm_wave=()
xpm_left=-1
# What a submission that timed out is looked for as (xpm_found).
xpm_seek_old=""
xpm_seek_ks=""
xpm_seek_group=""

# A job of this driver: index, directory, name, label (task/hash8), resources (jobs with the
# same number ask for the same resources), then its parents' indices.
xpm_job() {
  local i=$1
  xpm_dir[i]=$2
  xpm_n[i]=$3
  xpm_label[i]=$4
  xpm_cls[i]=$5
  xpm_own+=("$i")
  shift 5
  xpm_par[i]="$*"
}

# An array group: index, name, throttle ('' none), then the groups whose element k is element k's parent.
xpm_group() {
  local g=$1
  xpm_groups+=("$g")
  xpm_gname[g]=$2
  xpm_gthrottle[g]=$3
  shift 3
  xpm_gcorr[g]=" $* "
}

# The jobs of group $1, in element order.
xpm_members() {
  local g=$1 k=0 i
  shift
  xpm_members[g]="$*"
  for i in "$@"; do
    xpm_grp[i]=$g
    xpm_pos[i]=$k
    k=$((k + 1))
  done
  xpm_gsize[g]=$k
}

# ---- resumable parents (begin) ----
# Job $1 may go on in a continuation at its time limit (its own script submits it and records
# the new id): its children are listed in its folder's <name>.dependents before its id is read,
# so that a continuation made meanwhile either moves them or is the id they are submitted after.
xpm_res=()
xpm_resumable() {
  xpm_res[$1]=1
}
xpm_follow() {
  local d=${xpm_dir[$1]}/${xpm_n[$1]} pd=${xpm_dir[$2]}/${xpm_n[$2]}
  printf '%s\n' "$d.$xpm_ext" >>"$pd.dependents"
  rm -f "$d.$xpm_ext"
  if [ -s "$pd.$xpm_ext" ]; then IFS= read -r "xpm_id[$2]" <"$pd.$xpm_ext"; fi
}
# ---- resumable parents (end) ----

# A job of another launcher that jobs here wait for: index, directory, name, label.
xpm_elsewhere() {
  xpm_dir[$1]=$2
  xpm_n[$1]=$3
  xpm_label[$1]=$4
  xpm_other[$1]=1
}

# One driver of this experiment at a time: two at once would both submit every job.
xpm_lock() {
  local lock=experiments/grid/submit.lock holder=""
  if ! command -v flock >/dev/null 2>&1; then
    echo "warning: flock is not installed, so nothing keeps another run of a driver of this experiment from overlapping this one" >&2
    return 0
  fi
  exec 8>>"$lock" || exit 1
  if ! flock -n 8; then
    IFS= read -r holder <"$lock"
    # The holder writes who it is right after taking the lock.
    if [ -z "$holder" ]; then
      sleep 1
      IFS= read -r holder <"$lock"
    fi
    echo "error: another driver of experiment grid is running (${holder:-holder unknown}; it holds $lock); nothing was submitted" >&2
    exit 75
  fi
  printf 'process %s on %s since %s\n' "$$" "${HOSTNAME:-?}" "$(date '+%Y-%m-%d %H:%M:%S')" >"$lock"
}

# Runs a scheduler command (the arguments) followed by job $1's words, from the job's directory.
xpm_at() {
  local i=$1
  shift
  xpm_job_words "$xpm_ws/${xpm_dir[i]}" "${xpm_n[i]}"
  cd "${xpm_dir[i]}" || exit 1
  xpm_call "$@" "${xpm_words[@]}"
  cd "$xpm_ws" || exit 1
}

# The recorded ids of the jobs not done yet, and what SLURM says of them: one query for all.
xpm_ask() {
  local i ids=()
  for i in "${xpm_own[@]}"; do
    if [ ! -e "${xpm_dir[i]}/${xpm_n[i]}.done" ] && [ -f "${xpm_dir[i]}/${xpm_n[i]}.$xpm_ext" ]; then
      IFS= read -r "xpm_rec[$i]" <"${xpm_dir[i]}/${xpm_n[i]}.$xpm_ext"
      if [ -n "${xpm_rec[i]}" ]; then ids+=("${xpm_rec[i]}"); fi
    fi
  done
  [ "${#ids[@]}" -gt 0 ] || return 0
  if ! xpm_query "${ids[@]}"; then
    echo "error: cannot tell which of the ${#ids[@]} jobs submitted before are still queued or running: $xpm_error" >&2
    echo "nothing was submitted; run this again when $xpm_sched answers" >&2
    exit 1
  fi
  for i in "${xpm_own[@]}"; do
    if [ -n "${xpm_rec[i]:-}" ]; then
      # An array element is known by its array's name.
      if [[ ${xpm_rec[i]} =~ $xpm_element_re ]] && [ -n "${xpm_grp[i]:-}" ]; then
        xpm_classify "$xpm_key" "${xpm_rec[i]}" "${xpm_gname[xpm_grp[i]]}"
      else
        xpm_classify "$xpm_key" "${xpm_rec[i]}" "${xpm_label[i]/\//-}"
      fi
      xpm_cat_of[i]=$xpm_cat
    fi
  done
}

# What to do with each job, in dependency order, before doing anything: done, waiting (for a
# job elsewhere), blocked (by a failed one), keep (its submission still stands) or submit.
xpm_plan() {
  local i p d fresh wait
  for i in "${!xpm_dir[@]}"; do
    d=${xpm_dir[i]}/${xpm_n[i]}
    if [ -e "$d.done" ]; then
      xpm_do[i]="done"
    elif [ -n "${xpm_other[i]:-}" ]; then
      if [ -e "$d.failed" ]; then xpm_do[i]=failed; else xpm_do[i]=elsewhere; fi
    else
      xpm_do[i]=submit
      # A continuation job leaves what ended badly to a re-run by hand (never resubmits it in a loop).
      if [ -n "$xpm_continuing" ] && [ -n "${xpm_rec[i]:-}" ]; then
        case ${xpm_cat_of[i]:-absent} in
          queued | running | unknown) ;;
          *)
            xpm_do[i]=failed
            continue
            ;;
        esac
      fi
      fresh=""
      wait=""
      for p in ${xpm_par[i]}; do
        case ${xpm_do[p]} in
          failed) xpm_do[i]=blocked xpm_by[i]=${xpm_label[p]} ;;
          blocked) xpm_do[i]=blocked xpm_by[i]=${xpm_by[p]} ;;
          elsewhere | waiting) wait=1 ;;
          submit) fresh=1 ;;
        esac
      done
      if [ "${xpm_do[i]}" = blocked ]; then continue; fi
      if [ -n "$wait" ]; then
        xpm_do[i]=waiting
        continue
      fi
      # A submission chained to a parent submitted again can never run as it should.
      case ${xpm_cat_of[i]:-absent} in
        queued | running | unknown) if [ -z "$fresh" ]; then xpm_do[i]=keep xpm_id[i]=${xpm_rec[i]}; fi ;;
      esac
    fi
  done
}

# Before anything is submitted or cancelled: every script to submit is one the scheduler takes
# (a refusal halfway would leave part of the experiment submitted): a #! line, no DOS line
# breaks, and the scheduler's own check, once per set of resources.
xpm_preflight() {
  local i s first f problems=() scripts=() tested=() at=0
  for i in "${xpm_own[@]}"; do
    [ "${xpm_do[i]}" = submit ] || continue
    s=${xpm_dir[i]}/${xpm_n[i]}.sh
    first=""
    if [ -f "$s" ]; then IFS= read -r first <"$s"; fi
    if [[ $first != '#!'* ]]; then
      problems+=("$s (${xpm_label[i]}): not a batch script (its first line is not #!)")
      continue
    fi
    scripts+=("$s")
    if [ "${#xpm_test_cmd[@]}" -gt 0 ] && [ -z "${tested[xpm_cls[i]]:-}" ]; then
      tested[xpm_cls[i]]=1
      xpm_at "$i" "${xpm_test_cmd[@]}"
      if [ "$xpm_rc" -ne 0 ]; then problems+=("$s (${xpm_label[i]}): $xpm_sched refuses it: ${xpm_err:-$xpm_out}"); fi
    fi
  done
  while [ "$at" -lt "${#scripts[@]}" ]; do
    while IFS= read -r f; do
      problems+=("$f: it has DOS line breaks (\r\n), which $xpm_sched refuses")
    done < <(grep -l $'\r' -- "${scripts[@]:at:200}" 2>/dev/null)
    at=$((at + 200))
  done
  [ "${#problems[@]}" -gt 0 ] || return 0
  printf 'error: %s\n' "${problems[@]}" >&2
  echo "nothing was submitted: fix these scripts (prepare the experiment again) and run this again" >&2
  exit 1
}

# Cancels the old submissions of the jobs submitted again or blocked, while the scheduler holds them.
xpm_cancel_old() {
  local i ids=()
  for i in "${xpm_own[@]}"; do
    case ${xpm_do[i]}:${xpm_cat_of[i]:-absent} in
      submit:queued | submit:running | submit:unknown | submit:blocked | blocked:queued | blocked:running | blocked:unknown | blocked:blocked)
        ids+=("${xpm_rec[i]}")
        ;;
    esac
  done
  [ "${#ids[@]}" -gt 0 ] || return 0
  echo "cancelling ${#ids[@]} old submissions: ${ids[*]}"
  xpm_idwords "${xpm_cancel_ids[@]}" "${ids[@]}"
  xpm_call "${xpm_cancel_cmd[@]}" "${xpm_words[@]}"
  if [ "$xpm_rc" -ne 0 ]; then echo "warning: ${xpm_cancel_cmd[0]} (exit $xpm_rc): $xpm_err" >&2; fi
}

# Marks job $1 blocked by the failed job $2: .failed with reason dependency, never submitted.
xpm_block() {
  local d=${xpm_dir[$1]}/${xpm_n[$1]}
  xpm_do[$1]=blocked
  xpm_by[$1]=$2
  printf '{"code": 1, "reason": "dependency"}\n' >"$d.failed.tmp" && mv -f "$d.failed.tmp" "$d.failed"
  echo "blocked    ${xpm_dir[$1]} (by $2)"
  xpm_count_blocked=$((xpm_count_blocked + 1))
}

# Job $1 waits for the next wave: a parent is not submitted yet, or the site's limit is reached.
xpm_defer() {
  xpm_do[$1]=deferred
  xpm_count_deferred=$((xpm_count_deferred + 1))
}

# The site's submission rate: a pause before each submission.
xpm_pace() {
  local ms
  [ "$xpm_submit_rate" -gt 0 ] || return 0
  ms=$((1000 / xpm_submit_rate))
  if [ "$xpm_count_calls" -gt 0 ]; then sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"; fi
  xpm_count_calls=$((xpm_count_calls + 1))
}

# The id in what the submit command printed for $1 (xpm_new); stops the run when there is none.
xpm_read_id() {
  local line
  if [ "$xpm_rc" -ne 0 ]; then
    echo "error: ${xpm_submit_cmd[0]} refused $1, exit $xpm_rc: ${xpm_err:-$xpm_out}" >&2
    echo "the $xpm_count_submitted jobs submitted before it are recorded; fix the cause and run this again" >&2
    exit 1
  fi
  xpm_new=""
  while IFS= read -r line; do
    if [[ $line =~ $xpm_id_re ]]; then
      xpm_new=${BASH_REMATCH[1]}
      break
    fi
  done <<<"$xpm_out"
  if [ -z "$xpm_new" ]; then
    echo "error: no job id in what ${xpm_submit_cmd[0]} printed for $1; it may have been submitted all the same" >&2
    echo "stdout: $xpm_out" >&2
    echo "stderr: $xpm_err" >&2
    exit 1
  fi
  if [ -n "$xpm_err" ]; then echo "warning: ${xpm_submit_cmd[0]} said, for $1: $xpm_err" >&2; fi
  xpm_wave+=("$xpm_new")
}

# The user the scheduler knows (xpm_user).
xpm_whoami() {
  xpm_user=${USER:-}
  if [ -z "$xpm_user" ]; then xpm_user=$(id -un); fi
}

# How many more jobs this run may submit (xpm_left, -1: no limit): the site's max_submit, less
# what the user has queued or running, less one for the continuation job.
xpm_budget() {
  local user line n=0 words=()
  [ "$xpm_max_submit" -gt 0 ] && [ "${#xpm_queued_cmd[@]}" -gt 0 ] || return 0
  xpm_whoami
  user=$xpm_user
  words=("${xpm_queued_cmd[@]//\{user\}/$user}")
  xpm_call "${words[@]}"
  if [ "$xpm_rc" -ne 0 ]; then
    echo "error: cannot count the jobs $user has queued (${words[0]}, exit $xpm_rc): ${xpm_err:-$xpm_out}" >&2
    echo "nothing was submitted; run this again when $xpm_sched answers" >&2
    exit 1
  fi
  while IFS= read -r line; do
    if [ -n "$line" ]; then n=$((n + 1)); fi
  done <<<"$xpm_out"
  xpm_left=$((xpm_max_submit - n - 1))
  if [ "$xpm_left" -lt 0 ]; then xpm_left=0; fi
  echo "limit: $user has $n jobs queued or running, at most $xpm_max_submit: $xpm_left may be submitted now"
}

# Whether parent $2 of job $1 lets it be submitted now: 0 yes (xpm_pid: the id to wait for, ''
# none), 1 no (job $1 is blocked or deferred).
xpm_parent() {
  local i=$1 p=$2 pd=${xpm_dir[$2]}/${xpm_n[$2]}
  xpm_pid=""
  case ${xpm_do[p]} in
    submitted | keep)
      # A parent done meanwhile is left out; one that was running and has failed since would
      # chain this job to a failure (an id never goes into a dependency unchecked).
      if [ -e "$pd.done" ]; then return 0; fi
      if [ "${xpm_cat_of[p]:-}" = running ] && [ "$pd.failed" -nt "$pd.$xpm_ext" ]; then
        xpm_block "$i" "${xpm_label[p]}"
        return 1
      fi
      if [ -n "${xpm_res[p]:-}" ]; then xpm_follow "$i" "$p"; fi
      xpm_pid=${xpm_id[p]}
      ;;
    blocked)
      xpm_block "$i" "${xpm_by[p]}"
      return 1
      ;;
    submit | deferred)
      xpm_defer "$i"
      return 1
      ;;
  esac
}

# What the scheduler holds under the name looked for (xpm_out, the find command's answer):
# xpm_new the id of the submission that timed out, '' none. A job: an id other than those
# recorded before (xpm_seek_old, between spaces). An array (xpm_seek_ks: its indices, between
# spaces): an array of elements all among those submitted, other than the arrays recorded for
# the jobs of its group (xpm_seek_group) or submitted by this run (an older array of the
# name holds other elements, or is one of those).
xpm_found() {
  local line a i old=" $xpm_seek_old " bad=" " cands=()
  xpm_new=""
  if [ -z "$xpm_seek_ks" ]; then
    while IFS= read -r line; do
      if [[ $line =~ $xpm_find_re ]] && [[ $old != *" ${BASH_REMATCH[1]} "* ]]; then xpm_new=${BASH_REMATCH[1]}; fi
    done <<<"$xpm_out"
    return 0
  fi
  for i in ${xpm_members[xpm_seek_group]}; do
    if [[ ${xpm_rec[i]:-} =~ $xpm_element_re ]]; then old+="${BASH_REMATCH[1]} "; fi
    if [ -n "${xpm_fresh[i]:-}" ]; then old+="${xpm_fresh[i]} "; fi
  done
  while IFS= read -r line; do
    [[ $line =~ $xpm_element_re ]] || continue
    a=${BASH_REMATCH[1]}
    [[ $old != *" $a "* ]] || continue
    if [[ $xpm_seek_ks == *" ${BASH_REMATCH[2]} "* ]]; then cands+=("$a"); else bad+="$a "; fi
  done <<<"$xpm_out"
  for a in ${cands[@]+"${cands[@]}"}; do
    if [[ $bad != *" $a "* ]]; then xpm_new=$a; fi
  done
}

# Submits $1 (what, in messages), known to the scheduler as $2, with the call that follows
# (xpm_at <job> <command...>, or xpm_call <command...> from the right folder), once: a
# transient error is retried with a doubling delay, but a submission that timed out may have
# been taken all the same, so the scheduler is asked first for what it holds of that name
# (xpm_found, with xpm_seek_* set by the caller); when it holds it, that is the submission.
# The new id in xpm_new, and in this run's wave; stops the run when there is none.
xpm_submit_once() {
  local what=$1 name=$2 attempt=1 delay=${XPM_RETRY_DELAY:-2} tries=${XPM_RETRIES:-5} words=()
  shift 2
  while :; do
    XPM_RETRIES=1 "$@"
    if [ "$xpm_rc" -eq 0 ] || [ "$attempt" -ge "$tries" ] || [[ ! $xpm_err =~ $xpm_transient ]]; then break; fi
    echo "warning: ${xpm_submit_cmd[0]}: ${xpm_err//$'\n'/ } (attempt $attempt of $tries, again in ${delay}s)" >&2
    sleep "$delay"
    if [ "${#xpm_find_cmd[@]}" -gt 0 ]; then
      xpm_whoami
      words=("${xpm_find_cmd[@]//\{user\}/$xpm_user}")
      xpm_call "${words[@]//\{name\}/$name}"
      if [ "$xpm_rc" -ne 0 ]; then
        echo "error: ${xpm_submit_cmd[0]} failed for $what, and whether it took it all the same is unknown: ${xpm_find_cmd[0]} failed (exit $xpm_rc): ${xpm_err:-$xpm_out}" >&2
        echo "the $xpm_count_submitted jobs submitted before it are recorded; run this again when $xpm_sched answers" >&2
        exit 1
      fi
      xpm_found
      if [ -n "$xpm_new" ]; then
        echo "warning: ${xpm_submit_cmd[0]} had taken $what all the same, as job $xpm_new: not submitted again" >&2
        xpm_wave+=("$xpm_new")
        return 0
      fi
    fi
    attempt=$((attempt + 1))
    delay=$((delay * 2))
  done
  xpm_read_id "$what"
}

# Submits job $1 alone, after its parents: those done are left out, the others by their ids.
xpm_submit() {
  local i=$1 p deps=() dep_words=() after="" d=${xpm_dir[$1]} n=${xpm_n[$1]}
  for p in ${xpm_par[i]}; do
    xpm_parent "$i" "$p" || return 0
    # A parent in an array this run submitted: the whole array.
    if [ -n "$xpm_pid" ] && [ -n "${xpm_fresh[p]:-}" ]; then xpm_pid=${xpm_fresh[p]}; fi
    if [ -n "$xpm_pid" ] && [[ " ${deps[*]} " != *" $xpm_pid "* ]]; then deps+=("$xpm_pid"); fi
  done
  if [ "$xpm_left" -eq 0 ]; then
    xpm_defer "$i"
    return 0
  fi
  if [ "${#deps[@]}" -gt 0 ]; then
    xpm_idwords "${xpm_dep_ids[@]}" "${deps[@]}"
    dep_words=("${xpm_words[@]}")
    printf -v after '%s:' "${deps[@]}"
    after=", after ${after%:}"
  fi
  if [ -e "$d/$n.failed" ]; then rm -f "$d/$n.failed"; fi
  xpm_pace
  xpm_seek_old=${xpm_rec[i]:-} xpm_seek_ks=""
  xpm_submit_once "$d (${xpm_label[i]})" "${xpm_label[i]/\//-}" xpm_at "$i" "${xpm_submit_cmd[@]}" ${dep_words[@]+"${dep_words[@]}"}
  printf '%s\n' "$xpm_new" >"$d/$n.$xpm_ext"
  xpm_do[i]=submitted
  xpm_id[i]=$xpm_new
  xpm_count_submitted=$((xpm_count_submitted + 1))
  if [ "$xpm_left" -gt 0 ]; then xpm_left=$((xpm_left - 1)); fi
  echo "submitted  $d ($xpm_new$after)"
}

# The dependency words of $1 correlated ids and $2 other ids (comma-separated): xpm_words.
xpm_dep_words() {
  local kinds=() ids
  if [ -n "$1" ]; then kinds+=("${xpm_deps_form[2]}${1//,/${xpm_deps_form[4]}}"); fi
  if [ -n "$2" ]; then kinds+=("${xpm_deps_form[1]}${2//,/${xpm_deps_form[4]}}"); fi
  xpm_words=()
  [ "${#kinds[@]}" -gt 0 ] || return 0
  printf -v ids "%s${xpm_deps_form[5]}" "${kinds[@]}"
  xpm_words=("${xpm_deps_form[0]}${ids%"${xpm_deps_form[5]}"}")
}

# The indices of elements $@ (sorted) as ranges: 0-9,12 (xpm_indices).
xpm_ranges() {
  local from=$1 to=$1 k
  xpm_indices=""
  shift
  for k in "$@" ""; do
    if [ -n "$k" ] && [ "$k" -eq $((to + 1)) ]; then
      to=$k
      continue
    fi
    if [ "$from" = "$to" ]; then xpm_indices+=${xpm_indices:+,}$from; else xpm_indices+=${xpm_indices:+,}$from-$to; fi
    from=$k to=$k
  done
}

# Submits jobs $3... of group $1 (one slice of the list, the same dependencies $2: correlated
# ids;other ids) as one array, as far as the site's limit lets; the others wait for the next wave.
xpm_submit_elements() {
  local g=$1 corr=${2%;*} all=${2#*;} i k offset throttle="" t ks=() head=() dep_words=() after="" stale=()
  local arrays=$xpm_xp/arrays
  shift 2
  head=("$@")
  if [ "$xpm_left" -ge 0 ] && [ "${#head[@]}" -gt "$xpm_left" ]; then
    for i in "${head[@]:xpm_left}"; do xpm_defer "$i"; done
    head=("${head[@]:0:xpm_left}")
  fi
  [ "${#head[@]}" -gt 0 ] || return 0
  offset=$((xpm_pos[head[0]] / xpm_max_array * xpm_max_array))
  for i in "${head[@]}"; do
    ks+=("$((xpm_pos[i] - offset))")
    if [ -e "${xpm_dir[i]}/${xpm_n[i]}.failed" ]; then stale+=("${xpm_dir[i]}/${xpm_n[i]}.failed"); fi
  done
  # One rm for the old markers (a fork per job is most of the time of a large array).
  if [ "${#stale[@]}" -gt 0 ]; then rm -f -- "${stale[@]}"; fi
  xpm_ranges "${ks[@]}"
  t=${XPM_ARRAY_PARALLELISM:-${xpm_gthrottle[g]}}
  if [ -n "$t" ] && [ -n "$xpm_throttle_form" ]; then throttle=${xpm_throttle_form//\{n\}/$t}; fi
  xpm_dep_words "$corr" "$all"
  dep_words=(${xpm_words[@]+"${xpm_words[@]}"})
  if [ "${#dep_words[@]}" -gt 0 ]; then after=", ${dep_words[*]}"; fi
  xpm_array_words "$xpm_indices" "$throttle"
  local array_words=("${xpm_words[@]}")
  xpm_array_job_words "$xpm_ws/$arrays" "${xpm_gname[g]}"
  xpm_pace
  xpm_seek_old="" xpm_seek_ks=" ${ks[*]} " xpm_seek_group=$g
  cd "$arrays" || exit 1
  xpm_submit_once "$arrays/${xpm_gname[g]}.sh (${#head[@]} jobs)" "${xpm_gname[g]}" xpm_call "${xpm_submit_cmd[@]}" "${array_words[@]}" ${dep_words[@]+"${dep_words[@]}"} "${xpm_words[@]}" "$offset"
  cd "$xpm_ws" || exit 1
  for i in "${head[@]}"; do
    xpm_element "$xpm_new" "$((xpm_pos[i] - offset))"
    printf '%s\n' "$xpm_el" >"${xpm_dir[i]}/${xpm_n[i]}.$xpm_ext"
    xpm_do[i]=submitted
    xpm_id[i]=$xpm_el
    xpm_fresh[i]=$xpm_new
  done
  xpm_count_submitted=$((xpm_count_submitted + ${#head[@]}))
  if [ "$xpm_left" -gt 0 ]; then xpm_left=$((xpm_left - ${#head[@]})); fi
  echo "submitted  array $xpm_new: ${#head[@]} jobs of ${xpm_gname[g]}, elements $xpm_indices from line $((offset + 1))$after"
}

# The dependencies of element $2 of group $1 (xpm_dk: correlated ids;other ids); 1 when it is
# blocked or deferred. A parent of a correlated group at the same index is waited for element
# by element; a parent submitted in this run's arrays, by its whole array.
xpm_element_deps() {
  local g=$1 i=$2 p corr="" all="" id
  for p in ${xpm_par[i]}; do
    xpm_parent "$i" "$p" || return 1
    id=$xpm_pid
    [ -n "$id" ] || continue
    if [[ ${xpm_gcorr[g]} == *" ${xpm_grp[p]:-x} "* ]] && [[ $id =~ $xpm_element_re ]] && [ "${BASH_REMATCH[2]}" -eq $((xpm_pos[i] % xpm_max_array)) ]; then
      id=${BASH_REMATCH[1]}
      if [[ ,$corr, != *",$id,"* ]]; then corr+=${corr:+,}$id; fi
      continue
    fi
    if [ -n "${xpm_fresh[p]:-}" ]; then id=${xpm_fresh[p]}; fi
    if [[ ,$all, != *",$id,"* ]]; then all+=${all:+,}$id; fi
  done
  xpm_dk="$corr;$all"
}

# Submits the jobs $2... of group $1 as arrays: one per slice of the list (the site's array
# size) and per set of dependencies, in element order.
xpm_submit_group() {
  local g=$1 i k order=()
  local -A members=()
  shift
  for i in "$@"; do
    xpm_element_deps "$g" "$i" || continue
    k=$((xpm_pos[i] / xpm_max_array))/$xpm_dk
    if [ -z "${members[$k]:-}" ]; then order+=("$k"); fi
    members[$k]+=" $i"
  done
  for k in ${order[@]+"${order[@]}"}; do
    # shellcheck disable=SC2086 # the members are numbers, one word each
    xpm_submit_elements "$g" "${k#*/}" ${members[$k]}
  done
}

# What xpm_plan decided for job $1, but submitting: said and counted. 1 when it is to submit.
xpm_say() {
  local i=$1
  case ${xpm_do[i]} in
    done)
      echo "done       ${xpm_dir[i]}"
      xpm_count_done=$((xpm_count_done + 1))
      ;;
    waiting)
      echo "waiting    ${xpm_dir[i]} (a parent job is not done and runs elsewhere)"
      xpm_count_waiting=$((xpm_count_waiting + 1))
      ;;
    failed)
      echo "failed     ${xpm_dir[i]} (left for a re-run of this driver by hand)"
      xpm_count_failed=$((xpm_count_failed + 1))
      ;;
    blocked) xpm_block "$i" "${xpm_by[i]}" ;;
    keep)
      printf '%-10s %s (%s)\n' "${xpm_cat_of[i]/unknown/queued}" "${xpm_dir[i]}" "${xpm_id[i]}"
      xpm_count_kept=$((xpm_count_kept + 1))
      ;;
    submit) return 1 ;;
  esac
  return 0
}

# Does what xpm_plan decided: job by job, or group by group with arrays.
xpm_run() {
  local g i batch
  if [ -n "$xpm_no_arrays" ] || [ "$xpm_arrays" = 0 ]; then
    for i in "${xpm_own[@]}"; do xpm_say "$i" || xpm_submit "$i"; done
    return 0
  fi
  for g in ${xpm_groups[@]+"${xpm_groups[@]}"}; do
    batch=()
    for i in ${xpm_members[g]}; do xpm_say "$i" || batch+=("$i"); done
    [ "${#batch[@]}" -gt 0 ] || continue
    if [ "${xpm_gsize[g]}" -eq 1 ]; then
      xpm_submit "${batch[0]}"
    else
      xpm_submit_group "$g" "${batch[@]}"
    fi
  done
}

# When jobs wait for a next wave: a continuation job that runs this driver again once what this
# run submitted has ended (or in a minute when it submitted nothing). A continuation still queued
# from an earlier run is cancelled: this one replaces it.
xpm_continue() {
  local rec=$xpm_xp/continuation.$xpm_ext old="" dep_words=() script
  [ "$xpm_count_deferred" -gt 0 ] || return 0
  if [ -f "$rec" ]; then IFS= read -r old <"$rec"; fi
  if [ -n "$old" ] && xpm_query "$old"; then
    xpm_classify "$xpm_key" "$old" "xpm-continue-${xpm_driver%.sh}"
    if [ "$xpm_cat" = queued ]; then
      xpm_idwords "${xpm_cancel_ids[@]}" "$old"
      xpm_call "${xpm_cancel_cmd[@]}" "${xpm_words[@]}"
    fi
  fi
  if [ "${#xpm_wave[@]}" -gt 0 ]; then
    printf -v dep_words "%s${xpm_deps_form[4]}" "${xpm_wave[@]}"
    dep_words=("${xpm_deps_form[0]}${xpm_deps_form[3]}${dep_words%"${xpm_deps_form[4]}"}")
  else
    xpm_delay_words 60
    dep_words=("${xpm_words[@]}")
  fi
  script=${xpm_driver%.sh}
  xpm_continue_words "$xpm_ws/$xpm_xp" "$script"
  cd "$xpm_xp" || exit 1
  xpm_seek_old=$old xpm_seek_ks=""
  xpm_submit_once "the continuation job ($xpm_xp/$xpm_driver)" "xpm-continue-$script" xpm_call "${xpm_submit_cmd[@]}" "${dep_words[@]}" "${xpm_words[@]}" --continue
  cd "$xpm_ws" || exit 1
  printf '%s\n' "$xpm_new" >"$rec"
  echo "continuing in job $xpm_new: $xpm_count_deferred jobs wait for the next wave (after ${#xpm_wave[@]} submissions of this one)"
}

# The jobs, in dependency order.
xpm_job 0 jobs/grid.train/05b4b186de797f1cf140893718381d36a8bc9be01f191910782a47708e41e816 train grid.Train/05b4b186 0
xpm_job 1 jobs/grid.evaluate/d87c2cca2f0956ccaa605c50029167da8f64f5d6a1aefbad472fc053bfd9a6e1 evaluate grid.Evaluate/d87c2cca 1 0
xpm_job 2 jobs/grid.train/095dc9e78e1a89e95ce8e30bc728f379a49c27ffa66bebc04e793fcb010e2b99 train grid.Train/095dc9e7 0
xpm_job 3 jobs/grid.evaluate/93c5c22ce4693b79cdb9f64b5479f0bd74bb2970f8a93eec25b7b7dcaa174758 evaluate grid.Evaluate/93c5c22c 1 2
xpm_job 4 jobs/grid.train/3a8de950c3e1a0880369ad9931dbb74051523016c11350f4acd8cf610f0c5a5a train grid.Train/3a8de950 0
xpm_job 5 jobs/grid.evaluate/591f77be0cdc9a688ff77baddcc635375c04c846929c552e47e6b86e5a6acbc9 evaluate grid.Evaluate/591f77be 1 4
xpm_job 6 jobs/grid.train/85f779cbc2ecfbc5be92f33ae7db4ee2a7e7a733c379a43fe7ee14664a12043c train grid.Train/85f779cb 0
xpm_job 7 jobs/grid.evaluate/90bd2caa0d1b47f62064aa07801e2c80d266829f617154beeb8a821a553806c8 evaluate grid.Evaluate/90bd2caa 1 6
xpm_job 8 jobs/grid.train/b8caf085d673c8774dc1115c30deec951a2bea05cb74cf507fef0e053be9bd12 train grid.Train/b8caf085 0
xpm_job 9 jobs/grid.evaluate/ee1e0012238858404dd846c10cab2a28ba5cfbdc520df7acc9e7e3144d781e25 evaluate grid.Evaluate/ee1e0012 1 8
xpm_job 10 jobs/grid.train/ed150993bc5791b0568cba72fc5ae149cadbbea9d8704ff34893fefc4e5fa041 train grid.Train/ed150993 0
xpm_job 11 jobs/grid.evaluate/6f3cfb89ae5e2c256d4cc22ee32b3e504d847bc3d2ec3e138d722d011405b9d4 evaluate grid.Evaluate/6f3cfb89 1 10
xpm_job 12 jobs/grid.report/06b1a52fee59328071289c2236fec26cc1fb8448f34645d2543cd8d05204914e report grid.Report/06b1a52f 1 5 11 7 3 1 9

xpm_group 0 train-array-05b4b186 2
xpm_members 0 0 2 4 6 8 10
xpm_group 1 evaluate-array-d87c2cca 2 0
xpm_members 1 1 3 5 7 9 11
xpm_group 2 report-array-06b1a52f 2
xpm_members 2 12

xpm_driver=submit-slurm.sh
xpm_lock
xpm_use_slurm
xpm_ask
xpm_plan
xpm_preflight
xpm_cancel_old
xpm_budget
xpm_run
xpm_continue
echo "13 jobs: $xpm_count_submitted submitted, $xpm_count_kept already queued or running, $xpm_count_done done, $xpm_count_waiting waiting for jobs elsewhere, $xpm_count_blocked blocked, $xpm_count_failed failed, $xpm_count_deferred for the next wave"
