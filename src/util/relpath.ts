/**
 * Workspace-relative paths between job folders. `posix.relative` resolves both sides against
 * the current directory first; at 100,000 jobs that was a visible share of evaluate and emit.
 */
import { posix } from "node:path";

/** No leading or trailing '/', no empty, '.' or '..' segment: a path the fast way handles. */
const PLAIN = /^(?!\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))(?!.*\/\/)(?!.*\/$)./s;

/** `posix.relative(from, to)` for workspace-relative paths (the same result, faster on plain ones). */
export function relativePath(from: string, to: string): string {
  if (!PLAIN.test(from) || !PLAIN.test(to)) return posix.relative(from, to);
  const a = from.split("/");
  const b = to.split("/");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let out = "";
  for (let k = i; k < a.length; k++) out += out ? "/.." : "..";
  for (let k = i; k < b.length; k++) out += out ? `/${b[k]}` : b[k];
  return out;
}
