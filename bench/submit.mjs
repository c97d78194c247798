// The submission figure of `npm run bench`, on the real SLURM (scripts/cluster/slurm-up.sh):
// sbatch calls and seconds for submit-slurm.sh to submit N jobs (N/2 train -> N/2 evaluate,
// test/fixtures/projects/arrays) as arrays of at most 100 (bench/submit/launchers.yaml), against
// one sbatch per job (--no-arrays). Jobs are submitted held (SBATCH_HOLD) and cancelled right
// after, so nothing runs. N stays well under SLURM's MaxJobCount (10,000 here: a finished or
// cancelled job is kept MinJobAge, an hour): both sides together submit 2N jobs.
// Usage: node bench/submit.mjs [N] (default 1000: the one-per-job side takes about a minute here); prints rows for bench/run.mjs, or why not.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin/experimaestro.mjs");

/** Submits with the driver, counting sbatch calls; cancels what it submitted. */
function side(ws, args, scratch) {
  const calls = join(scratch, `calls-${args.length}`);
  writeFileSync(calls, "");
  const env = { ...process.env, SBATCH_HOLD: "1", XPM_BENCH_CALLS: calls, XPM_BENCH_PATH: process.env.PATH, PATH: `${join(root, "bench/submit")}:${process.env.PATH}` };
  const t0 = process.hrtime.bigint();
  const r = spawnSync("bash", [join(ws, "experiments/arrays/submit-slurm.sh"), ...args], { encoding: "utf8", env, maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const ids = [...r.stdout.matchAll(/^submitted  (?:array ([0-9]+):|.* \(([0-9]+)[,)])/gm)].map((m) => m[1] ?? m[2]);
  for (let at = 0; at < ids.length; at += 500) spawnSync("scancel", ids.slice(at, at + 500));
  if (r.status !== 0) throw new Error(`submit-slurm.sh ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-1000)}`);
  return { seconds, calls: readFileSync(calls, "utf8").split("\n").filter(Boolean).length, submitted: Number(/([0-9]+) submitted/.exec(r.stdout)?.[1] ?? 0) };
}

export function submissionRows(n = 1000) {
  if (spawnSync("bash", ["-c", "command -v sbatch && scontrol ping | grep -q UP"]).status !== 0) return { skipped: "no SLURM answers here (scripts/cluster/slurm-up.sh starts one)" };
  const scratch = mkdtempSync(join(tmpdir(), "xpm-bench-submit-"));
  try {
    const prepare = (ws) => {
      const r = spawnSync("node", [cli, "run-experiment", join(root, "test/fixtures/projects/arrays/normal"), "--run-mode", "prepare", "--workdir", ws, "--xpm-config-dir", join(root, "bench/submit"), "-c", `n=${n / 2}`, "-c", "dirty_git=ignore"], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`prepare failed: ${r.stderr}`);
    };
    prepare(join(scratch, "one"));
    prepare(join(scratch, "arrays"));
    const one = side(join(scratch, "one"), ["--no-arrays"], scratch);
    const arrays = side(join(scratch, "arrays"), [], scratch);
    return { n, one, arrays };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = submissionRows(Number(process.argv[2] ?? 1000));
  console.log(JSON.stringify(r));
}
