/**
 * Asking a scheduler about recorded ids with its declared state query (model/backend.ts), as the
 * generated bash does: a batch of ids per call, stdout parsed line by line with the declared
 * pattern, stderr kept apart; a non-zero exit is a failure unless stderr says only that the ids
 * are unknown.
 */
import { spawnSync } from "node:child_process";
import { idWords, type StateLine, type StateQuery } from "../model/backend.ts";

export interface Answer {
  /** id -> its line; ids the scheduler does not know are absent. */
  lines: Map<string, StateLine>;
  /** Set when the scheduler did not answer: its message. */
  error: string | undefined;
}

/** Runs a command; stdout, stderr and exit status apart. */
export type Runner = (argv: readonly string[]) => { status: number | null; stdout: string; stderr: string; error?: Error };

const spawnRunner: Runner = (argv) => {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", maxBuffer: 256 * 1024 ** 2 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", ...(r.error ? { error: r.error } : {}) };
};

/** The lines of `stdout` that the query's pattern reads, by id. */
export function parseStateLines(q: StateQuery, stdout: string, into = new Map<string, StateLine>()): Map<string, StateLine> {
  const re = new RegExp(q.line);
  // A query with its own words: the first of them wins, other words are left out.
  const rank = q.states ? new Map(Object.keys(q.states).map((w, i) => [w, i])) : undefined;
  for (const line of stdout.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    const id = m[q.groups.id]!;
    const raw = m[q.groups.state]!;
    if (rank) {
      const before = into.get(id);
      if (!rank.has(raw) || (before && (rank.get(before.raw) ?? Infinity) <= rank.get(raw)!)) continue;
    }
    const reason = q.groups.reason ? m[q.groups.reason] : undefined;
    into.set(id, {
      raw,
      reason: reason === undefined || reason === "" || q.noReason.includes(reason) ? undefined : reason,
      name: q.groups.name ? m[q.groups.name] : undefined,
    });
  }
  return into;
}

/** Whether a failed query's stderr says only that it knows none of the ids. */
function unknownOnly(q: StateQuery, stderr: string): boolean {
  if (q.unknownIds === undefined) return false;
  const re = new RegExp(q.unknownIds);
  const lines = stderr.split("\n").filter((l) => l !== "");
  return lines.length > 0 && lines.every((l) => re.test(l));
}

/** Asks about `ids`, `q.batch` at a time. */
export function ask(q: StateQuery, ids: readonly string[], run: Runner = spawnRunner): Answer {
  const lines = new Map<string, StateLine>();
  for (let at = 0; at < ids.length; at += q.batch) {
    const r = run([...q.command, ...idWords(q.ids, ids.slice(at, at + q.batch))]);
    if (r.error) return { lines, error: `${q.command[0]}: ${r.error.message}` };
    if (r.status !== 0 && !unknownOnly(q, r.stderr)) {
      const said = (r.stderr.trim() || r.stdout.trim()).split("\n").join(" ");
      return { lines, error: `${q.command[0]} failed (exit ${r.status ?? "signal"}): ${said}` };
    }
    parseStateLines(q, r.stdout, lines);
  }
  return { lines, error: undefined };
}
