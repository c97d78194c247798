// @ts-check
/**
 * The prepare record's line format (see record.ts), and the check of a record against the disk:
 * it keeps the lines of the files that are still exactly as recorded. Plain JavaScript, so that
 * the check can run as a worker thread beside the evaluation of the experiment (at 100,000
 * jobs, 200,000 `stat` calls) and the writer threads can make lines too.
 */
import { readFileSync, statSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

/**
 * A record line: `<digest> <size> <ctime> <inode> <rel>\n`, from the file's stat.
 * @param {string} digest @param {import("node:fs").Stats} st @param {string} rel
 */
export function lineOf(digest, st, rel) {
  return `${digest} ${st.size} ${st.ctimeMs} ${st.ino} ${rel}\n`;
}

/**
 * Where the path starts in the record line text[at, end) (after the fourth space), or -1.
 * @param {string} text @param {number} at @param {number} end
 */
export function relStart(text, at, end) {
  let sp = at - 1;
  for (let k = 0; k < 4; k++) {
    sp = text.indexOf(" ", sp + 1);
    if (sp < 0 || sp >= end - 1) return -1;
  }
  return sp + 1;
}

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
  const base = root.endsWith("/") ? root : `${root}/`;
  let out = "";
  for (let at = first + 1; at < text.length; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end + 1);
    const start = relStart(text, at, end);
    const digest = text.slice(at, text.indexOf(" ", at));
    at = end + 1;
    if (start < 0) continue;
    const rel = text.slice(start, end);
    let st;
    try {
      st = statSync(base + rel);
    } catch {
      continue; // Gone, or a file now stands where its folder was.
    }
    if (st.ctimeMs < stamp && lineOf(digest, st, rel) === line) out += line;
  }
  return out;
}

if (workerData?.checkRecord) {
  const { root, path, header } = workerData.checkRecord;
  /** @type {import("node:worker_threads").MessagePort} */ (parentPort).postMessage(checkRecord(root, path, header));
}
