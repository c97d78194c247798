#!/usr/bin/env bash
# experimaestro-ts: runs an execute task from the bundle next to this file, with Node.js:
#   bash node.sh <tasks.mjs> <task id>      (from the job's folder, as its job script does)
# XPM_NODE chooses the node binary (default: node on the PATH); the bundle itself checks that it
# is recent enough (>= 20). Source maps are on, so that stack traces name the project's .ts lines.
set -u
xpm_node=${XPM_NODE:-node}
if ! command -v "$xpm_node" > /dev/null 2>&1; then
  echo "experimaestro: cannot run the task: Node.js not found ('$xpm_node'): this task's code is TypeScript, bundled in ${1:-tasks.mjs}, and needs Node.js >= 20; install it, or set XPM_NODE to its node binary" >&2
  exit 127
fi
exec "$xpm_node" --enable-source-maps "$@"
