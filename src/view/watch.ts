/**
 * view/watch: the live terminal view of an experiment (`status --watch`, and the runner's view
 * in `normal` mode on a terminal) as plain lines, and the one-line-per-change log used when the
 * output is not a terminal. Pure: a snapshot in, lines out; the callers read the workspace and
 * draw.
 *
 *   grid — 13 jobs — 0:42                                   (q or Ctrl-C quits)
 *   done 4 · running 2 · failed 1 · todo 6
 *   running
 *     grid.Train/05b4b186   0:12  [#####.....]  50% epoch 100/200
 *   last failures
 *     grid.Train/3a8de950   failed (exit 3): ValueError: lr too large
 */
import { STATES, normalizeState } from "./graph.ts";
import { clock } from "../util/format.ts";

export interface WatchJob {
  /** `task/hash8`. */
  label: string;
  state: string;
  detail?: string | undefined;
  /** Running: seconds since it started, when known. */
  seconds?: number | undefined;
  /** `seconds` is a lower bound (the start is not known, only when the job was first seen running). */
  atLeast?: boolean | undefined;
  /** From the job's `<name>.progress` (`{fraction, message}`), when it has one. */
  progress?: { fraction?: number | undefined; message?: string | undefined } | undefined;
  /** Failed: its stderr's last line. */
  lastErr?: string | undefined;
  /** When it ended (ms since the epoch), to order the failures. */
  endedMs?: number | undefined;
}

export interface WatchSnapshot {
  experiment: string;
  jobs: readonly WatchJob[];
  /** Seconds since the view (or the run) started. */
  elapsed: number;
  /** A hint at the end of the first line, e.g. `q or Ctrl-C quits`. */
  hint?: string;
  /** Counts per state to show, when `jobs` are not all the jobs (the runner's view). */
  counts?: Array<[string, number]>;
}

export interface FrameOptions {
  /** Terminal width (lines are cut to it). */
  width?: number;
  /** At most this many running jobs and failures listed (default 10 and 5). */
  maxRunning?: number;
  maxFailures?: number;
}

/** Counts per state, in the shared order, only states present: `done 4 · running 2`. */
export function countsLine(jobs: readonly WatchJob[]): string {
  const m = new Map<string, number>();
  for (const j of jobs) m.set(normalizeState(j.state), (m.get(normalizeState(j.state)) ?? 0) + 1);
  return [...STATES, "unknown"]
    .filter((s) => m.has(s))
    .map((s) => `${s} ${m.get(s)}`)
    .join(" · ");
}

/** `[#####.....]  50% message`, or the message alone. */
export function progressText(p: WatchJob["progress"]): string {
  if (!p) return "";
  const parts: string[] = [];
  if (typeof p.fraction === "number" && Number.isFinite(p.fraction)) {
    const f = Math.min(1, Math.max(0, p.fraction));
    const n = Math.round(f * 10);
    parts.push(`[${"#".repeat(n)}${".".repeat(10 - n)}] ${String(Math.round(f * 100)).padStart(3)}%`);
  }
  if (p.message) parts.push(oneLine(p.message));
  return parts.join(" ");
}

function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
}

function cut(s: string, width: number | undefined): string {
  if (!width || [...s].length <= width) return s;
  return [...s].slice(0, Math.max(1, width - 1)).join("") + "…";
}

/** The frame's lines. */
export function watchFrame(snap: WatchSnapshot, opts: FrameOptions = {}): string[] {
  const running = snap.jobs.filter((j) => j.state === "running");
  const failures = snap.jobs.filter((j) => j.state === "failed").sort((a, b) => (b.endedMs ?? 0) - (a.endedMs ?? 0));
  const width = Math.max(...snap.jobs.map((j) => j.label.length), 10);
  const total = snap.counts ? snap.counts.reduce((n, [, c]) => n + c, 0) : snap.jobs.length;
  const counts = snap.counts ? snap.counts.map(([s, n]) => `${s} ${n}`).join(" · ") : countsLine(snap.jobs);
  const lines = [`${snap.experiment} — ${total} jobs — ${clock(snap.elapsed)}${snap.hint ? `   (${snap.hint})` : ""}`, counts || "no jobs"];
  const maxRunning = opts.maxRunning ?? 10;
  if (running.length) {
    lines.push(`running (${running.length})`);
    for (const j of running.slice(0, maxRunning)) lines.push(`  ${j.label.padEnd(width)}  ${`${j.atLeast ? "≥" : ""}${clock(j.seconds)}`.padStart(8)}  ${progressText(j.progress)}`.trimEnd());
    if (running.length > maxRunning) lines.push(`  … and ${running.length - maxRunning} more`);
  }
  const maxFailures = opts.maxFailures ?? 5;
  if (failures.length) {
    lines.push(`last failures (${failures.length})`);
    for (const j of failures.slice(0, maxFailures)) lines.push(`  ${j.label.padEnd(width)}  ${j.detail && j.detail !== j.state ? `${j.state} (${j.detail})` : j.state}${j.lastErr ? `: ${oneLine(j.lastErr)}` : ""}`);
  }
  return lines.map((l) => cut(l, opts.width));
}

/** One line per job whose state changed since `before` (label -> state); updates `before`. */
export function changeLines(before: Map<string, string>, jobs: readonly WatchJob[]): string[] {
  const out: string[] = [];
  for (const j of jobs) {
    const state = j.detail && j.detail !== j.state ? `${j.state} (${j.detail})` : j.state;
    const was = before.get(j.label);
    if (was === state) continue;
    before.set(j.label, state);
    out.push(`${j.label}: ${was === undefined ? "" : `${was} -> `}${state}${j.state === "failed" && j.lastErr ? ` — ${oneLine(j.lastErr)}` : ""}`);
  }
  return out;
}
