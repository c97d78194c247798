// @ts-check
/**
 * Checks a prepare record (see record.ts) against the disk: keeps the lines of the files that
 * are still exactly as recorded. Plain JavaScript, so that it can also run as a worker thread
 * while the experiment is being evaluated: at 100,000 jobs, its 200,000 `stat` calls then cost
 * the main thread nothing.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";

/**
 * The lines (`<digest> <size> <ctime> <inode> <rel>\n`) of the record at `path`, written for
 * workspace `root`, whose file is untouched: same size, ctime and inode, and changed before
 * the record was written (a change in the same clock tick is not trusted). "" when the record
 * is missing, unreadable, or does not start with `header` (another version of the tool).
 * @param {string} root @param {string} path @param {string} header
 * @returns {string}
 */
export function checkRecord(root, path, header) {
  let text;
  let stamp;
  try {
    text = readFileSync(path, "utf8");
    stamp = statSync(path).mtimeMs;
  } catch {
    return "";
  }
  const first = text.indexOf("\n");
  if (first < 0 || text.slice(0, first) !== header) return "";
  let out = "";
  for (let at = first + 1; at < text.length; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    const f = line.split(" ", 4);
    const rel = line.slice(f.join(" ").length + 1);
    if (f.length < 4 || !rel) continue;
    let st;
    try {
      st = statSync(join(root, rel));
    } catch {
      continue; // Gone, or a file now stands where its folder was.
    }
    if ( st.ctimeMs < stamp && String(st.size) === f[1] && String(st.ctimeMs) === f[2] && String(st.ino) === f[3]) out += `${line}\n`;
  }
  return out;
}

if (workerData?.checkRecord) {
  const { root, path, header } = workerData.checkRecord;
  /** @type {import("node:worker_threads").MessagePort} */ (parentPort).postMessage(checkRecord(root, path, header));
}
