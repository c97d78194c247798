// @ts-check
/**
 * Checks a prepare record (see record.ts) against the disk: keeps the lines of the files that
 * are still exactly as recorded. Plain JavaScript, so that it can also run as a worker thread
 * while the experiment is being evaluated: at 100,000 jobs, its 200,000 `stat` calls then cost
 * the main thread nothing.
 */
import { readFileSync, statSync } from "node:fs";
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
  const base = root.endsWith("/") ? root : `${root}/`;
  let out = "";
  for (let at = first + 1; at < text.length; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    // digest size ctime inode rel
    const s1 = text.indexOf(" ", at);
    const s2 = text.indexOf(" ", s1 + 1);
    const s3 = text.indexOf(" ", s2 + 1);
    const s4 = text.indexOf(" ", s3 + 1);
    const line = at;
    at = end + 1;
    if (s1 < 0 || s4 < 0 || s4 >= end - 1) continue;
    let st;
    try {
      st = statSync(base + text.slice(s4 + 1, end));
    } catch {
      continue; // Gone, or a file now stands where its folder was.
    }
    if (st.ctimeMs < stamp && String(st.size) === text.slice(s1 + 1, s2) && String(st.ctimeMs) === text.slice(s2 + 1, s3) && String(st.ino) === text.slice(s3 + 1, s4)) out += `${text.slice(line, end)}\n`;
  }
  return out;
}

if (workerData?.checkRecord) {
  const { root, path, header } = workerData.checkRecord;
  /** @type {import("node:worker_threads").MessagePort} */ (parentPort).postMessage(checkRecord(root, path, header));
}
