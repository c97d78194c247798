#!/usr/bin/env bash
#SBATCH --account=team-ml
#SBATCH --constraint=avx2
#SBATCH --cpus-per-task=1
#SBATCH --error=evaluate.err
#SBATCH --job-name=grid.Evaluate-d87c2cca
#SBATCH --kill-on-invalid-dep=yes
#SBATCH --open-mode=append
#SBATCH --output=evaluate.out
#SBATCH --partition=cpu
#SBATCH --qos=normal
#SBATCH --nice=10
# experimaestro-ts array: 6 jobs of grid.Evaluate (launcher cpu), one per line of
# ./evaluate-array-d87c2cca.list, their folders relative to the workspace. The header is the first job's: the driver
# names the array and its log on the command line, which wins over it.
# Generated from the experiment; edit the experiment, not this file.
#
# SLURM runs it once per element, from this folder: element N runs line N+1+$1 of the
# list ($1: the offset of this array in the list, 0 unless the list was cut to fit the site's
# array size). The job runs its own script in its own folder, so it keeps its markers and logs.
set -u
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
  echo "experimaestro: this array script is run by SLURM (no \$SLURM_ARRAY_TASK_ID); run a job's own script instead" >&2
  exit 1
fi
xpm_line=$((${1:-0} + SLURM_ARRAY_TASK_ID + 1))
xpm_dir=()
mapfile -t -s "$((xpm_line - 1))" -n 1 xpm_dir <./evaluate-array-d87c2cca.list
if [ -z "${xpm_dir:-}" ]; then
  echo "experimaestro: no line $xpm_line in ./evaluate-array-d87c2cca.list" >&2
  exit 1
fi
cd "../../../$xpm_dir" || exit 1
exec bash ./evaluate.sh >>evaluate.out 2>>evaluate.err
