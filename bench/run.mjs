#!/usr/bin/env node
// `npm run bench`: compile cost at 1k, 10k and 100k jobs against the disk's own floor (a plain
// script writing the same files), and the local runner against make. Every figure is a ratio to
// a baseline measured in the same run: these machines are shared and noisy.
// Sizes: `npm run bench -- 1000 10000` (default 1000 10000 100000).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin/experimaestro.mjs");
const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const N = sizes.length ? sizes : [1000, 10000, 100000];
const scratch = mkdtempSync(join(tmpdir(), "xpm-bench-"));
const config = mkdtempSync(join(tmpdir(), "xpm-bench-config-"));
const hasTime = existsSync("/usr/bin/time");

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
const row = (n, mode, m, baseline, what) => rows.push({ n, mode, seconds: m.seconds.toFixed(2), mb: Number.isNaN(m.mb) ? "n/a" : m.mb.toFixed(0), ratio: `${(m.seconds / baseline).toFixed(2)} x ${what}` });

for (const n of N) {
  const ws = join(scratch, `ws-${n}`);
  const yaml = join(root, "bench/synthetic/bench");
  const prepare = xpm("prepare", yaml, ws, n);
  const layout = join(scratch, `layout-${n}.json`);
  writeFileSync(layout, JSON.stringify(layoutOf(ws)));
  const floorDir = join(scratch, `floor-${n}`);
  const floor = measure(["node", join(root, "bench/floor.mjs"), layout, floorDir]);
  rmSync(floorDir, { recursive: true, force: true });
  const again = xpm("prepare", yaml, ws, n);
  const dry = xpm("dry-run", yaml, join(scratch, `empty-${n}`), n);
  rows.push({ n, mode: "floor (plain writes)", seconds: floor.seconds.toFixed(2), mb: Number.isNaN(floor.mb) ? "n/a" : floor.mb.toFixed(0), ratio: "1.00 x floor" });
  row(n, "prepare", prepare, floor.seconds, "floor");
  row(n, "prepare again (unchanged)", again, prepare.seconds, "first prepare");
  row(n, "dry-run", dry, floor.seconds, "floor");
  rmSync(ws, { recursive: true, force: true });
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
  rows.push({ n: jobs, mode: `make -j${cores} (baseline)`, seconds: make.seconds.toFixed(2), mb: Number.isNaN(make.mb) ? "n/a" : make.mb.toFixed(0), ratio: "1.00 x make" });
  row(jobs, "local runner (experimaestro run)", run, make.seconds, "make");
}

rmSync(scratch, { recursive: true, force: true });
rmSync(config, { recursive: true, force: true });
const header = { n: "N", mode: "mode", seconds: "seconds", mb: "peak MB", ratio: "ratio" };
const widths = Object.keys(header).map((k) => Math.max(...[header, ...rows].map((r) => String(r[k]).length)));
for (const r of [header, ...rows]) console.log(Object.keys(header).map((k, i) => String(r[k]).padEnd(widths[i])).join("  "));
