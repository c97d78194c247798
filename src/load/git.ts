/** The git state of the experiment's project: commit and whether the work tree is dirty. */
import { execFile } from "node:child_process";

export interface GitState {
  commit: string;
  dirty: boolean;
  /** Changed paths (git status --porcelain), for the message. */
  changes: string[];
}

/** Fields before the path in `git status --porcelain=v2` entries: ordinary, renamed or copied, unmerged. */
const FIELDS: Record<string, number> = { "1": 8, "2": 9, u: 10 };

const ARGS = ["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=no"];

/**
 * The state of the repository holding `dir`, or undefined when it is not in one, has no commit
 * yet, or git is missing. One git process (it runs at every compile, so it is started before the
 * compile and read after it: the two overlap): the commit from the `branch.oid` header, the
 * changed tracked files from the entries (NUL-separated, so any path).
 */
export function gitState(dir: string): Promise<GitState | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["-C", dir, ...ARGS], { encoding: "utf8", maxBuffer: 1 << 28 }, (error, stdout) => resolve(error ? undefined : parseStatus(stdout)));
  });
}

function parseStatus(stdout: string): GitState | undefined {
  let commit: string | undefined;
  const changes: string[] = [];
  const items = stdout.split("\0");
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.startsWith("# branch.oid ")) commit = item.slice("# branch.oid ".length);
    const fields = FIELDS[item[0]!];
    if (fields === undefined || item[1] !== " ") continue;
    changes.push(item.split(" ").slice(fields).join(" "));
    // A rename's or copy's entry is followed by the path it came from.
    if (item[0] === "2") i++;
  }
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  return { commit, dirty: changes.length > 0, changes };
}
