#!/usr/bin/env node
// `npm run bench`: what users feel, each as a ratio to a baseline measured in the same run (these
// machines are shared and noisy). A product and its baseline are run alternately (A B A B ...),
// and the figure is the median of the ratios of each pair; seconds shown are medians too.
//
//   1. CLI start-up: `--version`, `status`, a dry-run of the README's example, against `node -e 0`.
//   2. Job scripts and the local runner: `make -j<cores>` running `true`, `bash -c true`, two
//      floors of any job script (a command run as a child then a marker; that and a flock), and
//      the emitted job scripts (same DAG: N/2 independent pairs), and `experimaestro run` on them.
//   3. Compile at N jobs: prepare against the plain-write floor, an unchanged re-prepare against
//      the first prepare, a dry-run against the floor, and prepare's peak memory.
//   4. Submission to the real SLURM (bench/submit.mjs, when one answers): sbatch calls and seconds
//      for N jobs with arrays against one sbatch per job (XPM_BENCH_SUBMIT=N, default 1000).
//
// Usage: npm run bench [-- --quick] [-- SIZES...] [-- --rounds R] [-- --only SECTION[,SECTION]]
//   SECTION: startup, jobs, compile, submit (default: all of them, in that order).
//   default: sizes 1000 10000 100000 (the targets are the 100,000-job figures), 5 rounds,
//   1,000 runner jobs; --quick (or XPM_BENCH_QUICK=1): sizes 1000 10000, 3 rounds, 400 runner jobs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { submissionRows } from "./submit.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin/experimaestro.mjs");
const args = process.argv.slice(2);
const quick = args.includes("--quick") || process.env.XPM_BENCH_QUICK === "1";
const roundsAt = args.indexOf("--rounds");
const ROUNDS = roundsAt >= 0 ? Number(args[roundsAt + 1]) : quick ? 3 : 5;
const onlyAt = args.indexOf("--only");
const SECTIONS = ["startup", "jobs", "compile", "submit"];
const only = onlyAt >= 0 ? String(args[onlyAt + 1] ?? "").split(",") : SECTIONS;
for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section '${s}' (sections: ${SECTIONS.join(", ")})`);
const sizes = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--rounds").map(Number);
const N = sizes.length ? sizes : quick ? [1000, 10000] : [1000, 10000, 100000];
const RUNNER_JOBS = quick ? 400 : 1000;
const cores = availableParallelism();
const scratch = mkdtempSync(join(tmpdir(), "xpm-bench-"));
const config = mkdtempSync(join(tmpdir(), "xpm-bench-config-"));
const hasTime = existsSync("/usr/bin/time");

/** Runs a command; returns seconds and peak RSS in MB (GNU time), or throws with its output (exit statuses other than opts.ok). */
function measure(argv, opts = {}) {
  const full = hasTime ? ["/usr/bin/time", "-f", "XPMBENCH %M", ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const { ok = [0], ...spawnOpts } = opts;
  const r = spawnSync(full[0], full.slice(1), { encoding: "utf8", maxBuffer: 1 << 30, ...spawnOpts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!ok.includes(r.status)) throw new Error(`${argv.join(" ")} failed (${r.status}):\n${r.stdout.slice(-1000)}${r.stderr.slice(-2000)}`);
  const m = /XPMBENCH (\d+)/.exec(r.stderr);
  return { seconds, mb: m ? Number(m[1]) / 1024 : NaN };
}

const xpmArgv = (...words) => ["node", cli, ...words, "--xpm-config-dir", config];
const compileArgv = (mode, yaml, ws, jobs) => xpmArgv("run-experiment", yaml, "--run-mode", mode, "--workdir", ws, "-c", `jobs=${jobs}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Flushes what earlier steps wrote, so that it is not billed to the next measurement. */
const settle = () => spawnSync("sync");

/**
 * Runs each named step once per round, in order (A B A B ...); before(name) runs untimed before
 * each step. Returns, per name, the runs' seconds and peak memory.
 */
function interleave(steps, rounds, before = () => {}, swapped = []) {
  const runs = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    const names = Object.keys(steps);
    // Every other round, the pair in `swapped` runs in the other order (A B, then B A).
    if (swapped.length === 2 && round % 2) {
      const [a, b] = swapped.map((k) => names.indexOf(k));
      [names[a], names[b]] = [names[b], names[a]];
    }
    for (const name of names) {
      before(name, round);
      runs[name].push(steps[name](round));
    }
  }
  return runs;
}

const rows = [];
/** A row: the median seconds of `runs`, and the median of the ratios runs[i] / base[i] against a target. */
function row(section, what, runs, base, baseName, target) {
  const seconds = median(runs.map((r) => r.seconds));
  const mb = Math.max(...runs.map((r) => r.mb));
  const ratio = base ? median(runs.map((r, i) => r.seconds / base[i].seconds)) : null;
  const verdict = target == null || ratio == null ? "" : ratio <= target ? "pass" : "MISS";
  rows.push({
    section,
    what,
    seconds: seconds.toFixed(3),
    mb: Number.isNaN(mb) ? "n/a" : mb.toFixed(0),
    ratio: ratio == null ? "" : `${ratio.toFixed(2)} x ${baseName}`,
    target: target == null ? "" : `<= ${target} x`,
    verdict,
    runs: runs.map((r) => r.seconds.toFixed(2)).join(" "),
  });
}
const extra = (what, value) => rows.push({ section: "", what, seconds: "", mb: "", ratio: value, target: "", verdict: "", runs: "" });

/** The job folders of a prepared experiment, from its manifest. */
function manifestJobs(ws, id) {
  return JSON.parse(readFileSync(join(ws, "experiments", id, "manifest.json"), "utf8")).jobs;
}

/** A Makefile of the experiment's DAG; each job's recipe is recipe(job). */
function makefile(path, jobs, recipe) {
  const target = (j) => `j_${j.hash.slice(0, 16)}_${j.name}`;
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  const lines = [".PHONY: all", `all: ${jobs.map(target).join(" ")}`];
  for (const j of jobs) lines.push(`${target(j)}: ${j.deps.map((d) => target(byKey.get(d))).join(" ")}\n\t@${recipe(j)}`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

// 1. Start-up: node -e 0, --version, status of a prepared experiment, dry-run of the example.
if (only.includes("startup")) {
  const example = join(root, "examples/grid/normal");
  const ws = join(scratch, "example");
  measure(xpmArgv("run-experiment", example, "--run-mode", "prepare", "--workdir", ws));
  const runs = interleave(
    {
      node: () => measure(["node", "-e", "0"]),
      version: () => measure(xpmArgv("--version")),
      // status exits 3 while jobs are not done: that is its answer, not a failure.
      status: () => measure(xpmArgv("status", ws, "grid"), { ok: [0, 3] }),
      dry: () => measure(xpmArgv("run-experiment", example, "--run-mode", "dry-run", "--workdir", join(scratch, "example-dry"))),
    },
    Math.max(ROUNDS, 5),
  );
  row("start-up", "node -e 0 (baseline)", runs.node, runs.node, "node", null);
  row("start-up", "experimaestro --version", runs.version, runs.node, "node", 2);
  row("start-up", "experimaestro status (13 jobs)", runs.status, runs.node, "node", null);
  row("start-up", "dry-run of the example (13 jobs)", runs.dry, runs.node, "node", 3.5);
}

// 2. Job scripts and the runner: make running true, bash -c true, the job scripts; the runner.
// Every run that writes gets job folders no run wrote to before (copies made untimed, removed at
// the end): ext4 does not reuse an inode deleted in the last minute and scans past each one, so
// deleting a run's files just before the next run made each run slower than the one before, by
// how many files it creates (2.8 s, 3.5 s, 4.5 s, 5.2 s for the same scripts in a row).
if (only.includes("jobs")) {
  const base = join(scratch, "runner");
  measure(compileArgv("prepare", join(root, "bench/runner/bench"), base, RUNNER_JOBS));
  const jobs = manifestJobs(base, "benchrun");
  const copy = (name, round) => {
    const to = join(scratch, `${name}-${round}`);
    spawnSync("cp", ["-a", base, to]);
    return to;
  };
  const make = (file, vars = () => []) => (round) => measure(["make", "-s", `-j${cores}`, "-f", file, ...vars(round)]);
  // What any job script pays before its own lines: its command run as a child (its status is
  // wanted), then a marker; and that plus the one lock (a flock process: bash has no builtin).
  const floorScript = (kind) => {
    const path = join(scratch, `floor-${kind}.sh`);
    const lock = kind === "lock" ? "exec 9>> job.lock\nflock -n 9 || exit 75\n" : "";
    writeFileSync(path, `cd "$1" || exit 1\n${lock}(exec true) &\nwait $! && : > job.done\n`);
    return (j) => `bash ${path} $(DIR)/${j.dir}`;
  };
  const floorDirs = (kind) => (round) => {
    const dir = join(scratch, `floor-${kind}-${round}`);
    for (const j of jobs) mkdirSync(join(dir, j.dir), { recursive: true });
    return [`DIR=${dir}`];
  };
  const wsFor = { scripts: [], runner: [] };
  for (let r = 0; r < ROUNDS; r++) for (const k of Object.keys(wsFor)) wsFor[k].push(copy(k, r));
  const steps = {
    true: make(makefile(join(scratch, "Makefile.true"), jobs, () => "true")),
    bash: make(makefile(join(scratch, "Makefile.bash"), jobs, () => "bash -c true")),
    child: make(makefile(join(scratch, "Makefile.child"), jobs, floorScript("child")), floorDirs("child")),
    lock: make(makefile(join(scratch, "Makefile.lock"), jobs, floorScript("lock")), floorDirs("lock")),
    scripts: make(makefile(join(scratch, "Makefile.scripts"), jobs, (j) => `bash $(WS)/${j.script}`), (r) => [`WS=${wsFor.scripts[r]}`]),
    runner: (r) => measure(xpmArgv("run", wsFor.runner[r], "benchrun", "-j", String(cores)), { env: { ...process.env, CI: "1" } }),
  };
  // (A floor's folders are made as its make's arguments are, before the timing starts.) The
  // scripts and the runner each delete 1,000 pid files, which makes the next run's file creations
  // slower (the inodes above): they take turns at going first.
  const runs = interleave(steps, ROUNDS, settle, ["scripts", "runner"]);
  const n = `${RUNNER_JOBS} jobs`;
  row("jobs", `make -j${cores}: true (${n})`, runs.true, null, "", null);
  row("jobs", `make -j${cores}: bash -c true`, runs.bash, runs.true, `make true`, null);
  row("jobs", `make -j${cores}: a command as a child, a marker`, runs.child, runs.bash, "make bash -c true", null);
  row("jobs", `make -j${cores}: that and a lock (flock)`, runs.lock, runs.bash, "make bash -c true", null);
  row("jobs", `make -j${cores}: the job scripts`, runs.scripts, runs.bash, "make bash -c true", 2);
  row("jobs", `make -j${cores}: the job scripts`, runs.scripts, runs.lock, "the lock floor", null);
  row("jobs", `experimaestro run -j${cores}`, runs.runner, runs.scripts, "make job scripts", 1.2);
  row("jobs", `experimaestro run -j${cores}`, runs.runner, runs.bash, "make bash -c true", 2.4);
  row("jobs", `experimaestro run -j${cores}`, runs.runner, runs.true, "make true", null);
  const perJob = (k) => (median(runs[k].map((r) => r.seconds)) * cores * 1000) / RUNNER_JOBS;
  extra("cost per job (ms of a core): bash / child / lock / script / runner", ["bash", "child", "lock", "scripts", "runner"].map((k) => perJob(k).toFixed(1)).join(" / "));
}

/** The files (relative path, size) of a folder, for the floor to write the same. */
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

// 3. Compile at N jobs. Each prepare and floor writes a fresh folder (deletions wait until a
// size is done: a deletion just before a measurement slows it down).
for (const n of only.includes("compile") ? N : []) {
  const yaml = join(root, "bench/synthetic/bench");
  const rounds = n >= 100000 ? Math.min(ROUNDS, 3) : ROUNDS;
  const layout = join(scratch, `layout-${n}.json`);
  measure(compileArgv("prepare", yaml, join(scratch, `ws-${n}-layout`), n));
  writeFileSync(layout, JSON.stringify(layoutOf(join(scratch, `ws-${n}-layout`))));
  const runs = interleave(
    {
      floor: (r) => measure(["node", join(root, "bench/floor.mjs"), layout, join(scratch, `floor-${n}-${r}`)]),
      prepare: (r) => measure(compileArgv("prepare", yaml, join(scratch, `ws-${n}-${r}`), n)),
      again: (r) => measure(compileArgv("prepare", yaml, join(scratch, `ws-${n}-${r}`), n)),
      dry: () => measure(compileArgv("dry-run", yaml, join(scratch, `empty-${n}`), n)),
    },
    rounds,
    settle,
  );
  const s = `${n} jobs`;
  row(s, "floor (plain writes)", runs.floor, null, "", null);
  row(s, "prepare", runs.prepare, runs.floor, "floor", 1.5);
  row(s, "prepare again (unchanged)", runs.again, runs.prepare, "first prepare", 0.3);
  row(s, "dry-run", runs.dry, runs.floor, "floor", 0.3);
  if (n >= 100000) {
    const mb = Math.max(...runs.prepare.map((r) => r.mb), ...runs.again.map((r) => r.mb));
    const each = (k) => runs[k].map((r) => r.mb.toFixed(0)).join(" ");
    extra("peak RSS of prepare (MB), target <= 600", `${mb.toFixed(0)} MB ${mb <= 600 ? "pass" : "MISS"} (each run: first ${each("prepare")}, again ${each("again")})`);
  }
  for (const f of readdirSync(scratch)) if (f.startsWith(`ws-${n}-`) || f.startsWith(`floor-${n}-`)) rmSync(join(scratch, f), { recursive: true, force: true });
  settle();
}

// 4. Submission to the real SLURM: sbatch calls and seconds, arrays against one sbatch per job.
if (only.includes("submit")) {
  const s = submissionRows(Number(process.env.XPM_BENCH_SUBMIT ?? 1000));
  if (s.skipped) extra("submission to SLURM (skipped)", s.skipped);
  else {
    const fewer = s.one.calls / s.arrays.calls;
    const faster = s.one.seconds / s.arrays.seconds;
    extra(`submit ${s.n} jobs, --no-arrays: sbatch calls / s`, `${s.one.calls} / ${s.one.seconds.toFixed(2)}`);
    extra(`submit ${s.n} jobs, arrays: sbatch calls / s`, `${s.arrays.calls} / ${s.arrays.seconds.toFixed(2)}`);
    extra("arrays: fewer calls (target >= 20 x), less time (target >= 10 x)", `${fewer.toFixed(0)} x ${fewer >= 20 ? "pass" : "MISS"}, ${faster.toFixed(1)} x ${faster >= 10 ? "pass" : "MISS"}`);
  }
}

rmSync(scratch, { recursive: true, force: true });
rmSync(config, { recursive: true, force: true });
const header = { section: "", what: "what", seconds: "median s", mb: "peak MB", ratio: "median pairwise ratio", target: "target", verdict: "", runs: "runs (s)" };
const widths = Object.keys(header).map((k) => Math.max(...[header, ...rows].map((r) => String(r[k]).length)));
console.log(`experimaestro-ts bench: ${ROUNDS} rounds, sizes ${N.join(" ")} (default 1000 10000 100000: the targets are the 100,000-job figures), ${RUNNER_JOBS} runner jobs, ${cores} cores, node ${process.version}${quick ? " (--quick)" : ""}`);
for (const r of [header, ...rows]) console.log(Object.keys(header).map((k, i) => String(r[k]).padEnd(widths[i])).join("  ").trimEnd());
