/** The git state of the experiment's project: commit and whether the work tree is dirty. */
import { spawnSync } from "node:child_process";

export interface GitState {
  commit: string;
  dirty: boolean;
  /** Changed paths (git status --porcelain), for the message. */
  changes: string[];
}

/** The state of the repository holding `dir`, or undefined when it is not in one (or git is missing). */
export function gitState(dir: string): GitState | undefined {
  const head = spawnSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" });
  if (head.status !== 0) return undefined;
  const status = spawnSync("git", ["-C", dir, "status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" });
  const changes = status.stdout.split("\n").filter(Boolean).map((l) => l.slice(3));
  return { commit: head.stdout.trim(), dirty: changes.length > 0, changes };
}
