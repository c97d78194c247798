#!/usr/bin/env node
// `npm run bench`: compile cost at 1k, 10k and 100k jobs against the disk's own floor (a plain
// script writing the same files), the local runner against make, and submission to SLURM with
// arrays against one sbatch per job (bench/submit.mjs, when a SLURM answers). Every figure is a ratio to
// a baseline measured in the same run: these machines are shared and noisy. Every measurement is
// taken twice (prepare and the floor alternating) and the best run is compared (all are shown).
// Sizes: `npm run bench -- 1000 10000` (default 1000 10000 100000).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { submissionRows } from "./submit.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin/experimaestro.mjs");
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const N = sizes.length ? sizes : [1000, 10000, 100000];
const scratch = mkdtempSync(join(tmpdir(), "xpm-bench-"));
const config = mkdtempSync(join(tmpdir(), "xpm-bench-config-"));
const hasTime = existsSync("/usr/bin/time");
// Jobs submitted by the submission figure (bench/submit.mjs): XPM_BENCH_SUBMIT=N to change it.
const SUBMIT_N = Number(process.env.XPM_BENCH_SUBMIT ?? 1000);

/** Runs a command; returns seconds and peak RSS in MB (GNU time), or throws with its output. */
function measure(argv, opts = {}) {
  const full = hasTime ? ["/usr/bin/time", "-f", "XPMBENCH %e %M", ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { encoding: "utf8", maxBuffer: 1 << 30, ...opts });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const m = /XPMBENCH ([\d.]+) (\d+)/.exec(r.stderr);
  return { seconds: m ? Number(m[1]) : wall, mb: m ? Number(m[2]) / 1024 : NaN, stdout: r.stdout };
}

function xpm(mode, yaml, ws, jobs) {
  return measure(["node", cli, "run-experiment", yaml, "--run-mode", mode, "--workdir", ws, "-c", `jobs=${jobs}`, "--xpm-config-dir", config]);
}

function layoutOf(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push([relative(dir, p), statSync(p).size]);
    }
  };
  walk(dir);
  return out;
}

const rows = [];
const fmt = (m) => ({ seconds: m.seconds.toFixed(2), mb: Number.isNaN(m.mb) ? "n/a" : m.mb.toFixed(0) });
/** The best of several runs (the least disturbed by the rest of the machine), with the worst peak memory. */
const best = (runs) => ({ seconds: Math.min(...runs.map((r) => r.seconds)), mb: Math.max(...runs.map((r) => r.mb)), all: runs.map((r) => r.seconds.toFixed(1)).join(" / ") });
const row = (n, mode, m, baseline, what) => rows.push({ n, mode, ...fmt(m), ratio: `${(m.seconds / baseline).toFixed(2)} x ${what}`, runs: m.all ?? "" });
/** Flushes what earlier steps wrote, so that it is not billed to the next measurement. */
const settle = () => spawnSync("sync");
const ROUNDS = 2;

for (const n of N) {
  const yaml = join(root, "bench/synthetic/bench");
  // Prepare and floor alternate, each in a fresh folder (a deletion just before a measurement
  // slows it down: deletions happen after all measurements of a size).
  const prepares = [];
  const floors = [];
  let layout;
  let ws;
  for (let round = 0; round < ROUNDS; round++) {
    ws = join(scratch, `ws-${n}-${round}`);
    settle();
    prepares.push(xpm("prepare", yaml, ws, n));
    if (!layout) {
      layout = join(scratch, `layout-${n}.json`);
      writeFileSync(layout, JSON.stringify(layoutOf(ws)));
    }
    settle();
    floors.push(measure(["node", join(root, "bench/floor.mjs"), layout, join(scratch, `floor-${n}-${round}`)]));
  }
  // Re-prepare and dry-run are measured the same way: best of ROUNDS runs.
  const agains = [];
  const drys = [];
  for (let round = 0; round < ROUNDS; round++) {
    settle();
    agains.push(xpm("prepare", yaml, ws, n));
    settle();
    drys.push(xpm("dry-run", yaml, join(scratch, `empty-${n}`), n));
  }
  const again = best(agains);
  const dry = best(drys);
  const floor = best(floors);
  const prepare = best(prepares);
  rows.push({ n, mode: "floor (plain writes)", ...fmt(floor), ratio: "1.00 x floor", runs: floor.all });
  row(n, "prepare", prepare, floor.seconds, "floor");
  row(n, "prepare again (unchanged)", again, prepare.seconds, "first prepare");
  row(n, "dry-run", dry, floor.seconds, "floor");
  for (let round = 0; round < ROUNDS; round++) {
    rmSync(join(scratch, `ws-${n}-${round}`), { recursive: true, force: true });
    rmSync(join(scratch, `floor-${n}-${round}`), { recursive: true, force: true });
  }
  settle();
}

// The local runner against make -j<cores> on an equivalent Makefile: 500 independent pairs.
{
  const jobs = 1000;
  const cores = availableParallelism();
  const ws = join(scratch, "runner");
  xpm("prepare", join(root, "bench/runner/bench"), ws, jobs);
  const run = measure(["node", cli, "run", ws, "benchrun", "--xpm-config-dir", config], { env: { ...process.env, CI: "1" } });
  const makefile = join(scratch, "Makefile");
  const lines = [".PHONY: all", `all: ${Array.from({ length: jobs / 2 }, (_, i) => `b${i}`).join(" ")}`];
  for (let i = 0; i < jobs / 2; i++) lines.push(`a${i}:\n\t@true`, `b${i}: a${i}\n\t@true`);
  writeFileSync(makefile, `${lines.join("\n")}\n`);
  const make = measure(["make", "-s", `-j${cores}`, "-f", makefile]);
  rows.push({ n: jobs, mode: `make -j${cores} (baseline)`, ...fmt(make), ratio: "1.00 x make", runs: "" });
  row(jobs, "local runner (experimaestro run)", run, make.seconds, "make");
}

// Submission to the real SLURM: sbatch calls and seconds, arrays against one sbatch per job.
{
  const s = submissionRows(SUBMIT_N);
  if (s.skipped) rows.push({ n: SUBMIT_N, mode: "submit-slurm.sh (skipped)", seconds: "", mb: "", ratio: s.skipped, runs: "" });
  else {
    rows.push({ n: s.n, mode: "submit-slurm.sh --no-arrays (baseline)", seconds: s.one.seconds.toFixed(2), mb: "", ratio: `1.00 x one per job; ${s.one.calls} sbatch calls`, runs: "" });
    rows.push({ n: s.n, mode: "submit-slurm.sh, arrays of 100", seconds: s.arrays.seconds.toFixed(2), mb: "", ratio: `${(s.one.seconds / s.arrays.seconds).toFixed(1)} x less time; ${s.arrays.calls} sbatch calls (${(s.one.calls / s.arrays.calls).toFixed(0)} x fewer)`, runs: "" });
  }
}

rmSync(scratch, { recursive: true, force: true });
rmSync(config, { recursive: true, force: true });
const header = { n: "N", mode: "mode", seconds: "seconds", mb: "peak MB", ratio: "ratio", runs: "runs (s)" };
const widths = Object.keys(header).map((k) => Math.max(...[header, ...rows].map((r) => String(r[k]).length)));
for (const r of [header, ...rows]) console.log(Object.keys(header).map((k, i) => String(r[k]).padEnd(widths[i])).join("  "));
