/** Shared by the tests of the commands that read a workspace back (jobs, experiments, results). */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { main } from "../../src/cli.ts";
import { fixture, tmp, type CliResult } from "../helpers.ts";

const NO_SETTINGS = tmp("xpm-config-");

/** The CLI in this process (a new Node costs ~1 s here): same arguments, exit status and output lines. */
export async function inProcess(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main([...args, "--xpm-config-dir", NO_SETTINGS], (l) => out.push(l), (l) => err.push(l));
  return { status, stdout: out.map((l) => `${l}\n`).join(""), stderr: err.join("\n") };
}

/** A job as `jobs list --json` prints it. */
export interface ListedJob {
  job: string;
  key: string;
  task: string;
  identifier: string;
  state: string;
  detail: string | null;
  path: string;
  experiments: string[];
  tags: Record<string, unknown>;
  launcher: string | null;
  schedulerId: string | null;
  tool: string;
  time: string | null;
  ageSeconds: number | null;
}

/** `jobs list --json` over `ws`, checked to succeed silently. */
export async function listJobs(ws: string, ...args: string[]): Promise<ListedJob[]> {
  const r = await inProcess(["jobs", "list", "--workdir", ws, "--json", ...args]);
  if (r.status !== 0 || r.stderr) throw new Error(`jobs list ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Copies what experimaestro left (runs `compat-demo` and `compat-fail`) into `ws`, as it leaves it. */
export function addExperimaestroRuns(ws: string): void {
  for (const part of ["ok", "failed"]) {
    const src = fixture("xpm-workspace", part);
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        const dest = join(ws, relative(src, p));
        if (e.isDirectory()) {
          mkdirSync(dest, { recursive: true });
          walk(p);
        } else writeFileSync(dest, readFileSync(p, "utf8").replaceAll("<ws>", ws));
      }
    };
    walk(src);
  }
  // The links experimaestro makes (LISTING.txt): `current` to the run, the run's jobs to their folders.
  for (const [id, run] of [["compat-demo", "20261201_192253"], ["compat-fail", "20261201_192256"]] as const) {
    symlinkSync(run, join(ws, "experiments", id, "current"));
    for (const line of readFileSync(join(ws, "experiments", id, run, "jobs.jsonl"), "utf8").trim().split("\n")) {
      const { job_id, task_id } = JSON.parse(line) as { job_id: string; task_id: string };
      mkdirSync(join(ws, "experiments", id, run, "jobs", task_id), { recursive: true });
      symlinkSync(join(ws, "jobs", task_id, job_id), join(ws, "experiments", id, run, "jobs", task_id, job_id));
    }
  }
}

/** A digest of everything under `dir`: paths, file contents, link targets, sizes, modes and times. */
export function treeDigest(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      h.update(`${relative(dir, p)}\0${st.mode}\0${st.size}\0${st.mtimeMs}\0`);
      if (st.isSymbolicLink()) h.update(readlinkSync(p));
      else if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}

/** Polls until `ok()` holds (or throws after `ms`). */
export async function until(ok: () => boolean | Promise<boolean>, ms = 30_000, what = "a condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
