#!/usr/bin/env bash
#SBATCH --cpus-per-task=1
#SBATCH --error=train.err
#SBATCH --job-name=grid.Train-05b4b186
#SBATCH --kill-on-invalid-dep=yes
#SBATCH --mem=1024M
#SBATCH --open-mode=append
#SBATCH --output=train.out
#SBATCH --partition=cpu
#SBATCH --signal=B:USR1@60
#SBATCH --time=00:10:00
# experimaestro-ts array: 6 jobs of grid.Train (launcher cpu), one per line of
# ./train-array-05b4b186.list, their folders relative to the workspace. The header is the first job's: the driver
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
mapfile -t -s "$((xpm_line - 1))" -n 1 xpm_dir <./train-array-05b4b186.list
if [ -z "${xpm_dir:-}" ]; then
  echo "experimaestro: no line $xpm_line in ./train-array-05b4b186.list" >&2
  exit 1
fi
cd "../../../$xpm_dir" || exit 1
exec bash ./train.sh >>train.out 2>>train.err
