/** Backends without a cluster: directives from resources, and parsers over canned scheduler output. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backends } from "../../src/backends/index.ts";
import { loadLaunchers } from "../../src/load/launchers.ts";
import { askAccounting, categorize, idWords } from "../../src/model/backend.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { ask, parseStateLines } from "../../src/submit/query.ts";
import { oarBackend } from "../../src/backends/oar.ts";
import { pbsBackend } from "../../src/backends/pbs.ts";
import { formatDuration } from "../../src/util/format.ts";
import { sbatchQuote, slurmBackend, slurmMem, slurmTime } from "../../src/backends/slurm.ts";
import type { ResolvedJob } from "../../src/model/plan.ts";

const slurm = slurmBackend.scheduler!;
const oar = oarBackend.scheduler!;
const pbs = pbsBackend.scheduler!;

function job(resources: Partial<ResolvedJob["resources"]>): ResolvedJob {
  return {
    key: "x.learn/abc",
    taskId: "x.Learn",
    name: "Learn",
    hash: "0123456789abcdef".repeat(4),
    jobPath: "jobs/x.learn/abc",
    deps: [],
    command: [],
    initCommands: [],
    params: "{}\n",
    tags: {},
    requirements: undefined,
    launcher: undefined,
    retry: { max: 0, durationFactor: 1 },
    index: 0,
    dependents: [],
    resources: { launcher: "l", backend: "slurm", cpus: 4, memory: undefined, duration: undefined, gpus: 0, options: {}, extra: [], killOnInvalidDep: true, env: [], ...resources },
  };
}

describe("SLURM directives", () => {
  it("formats time as [D-]HH:MM:SS rounded up to the minute, and memory in MiB", () => {
    expect(slurmTime(59)).toBe("00:01:00");
    expect(slurmTime(3600)).toBe("01:00:00");
    expect(slurmTime(2 * 86400 + 3 * 3600 + 61)).toBe("2-03:02:00");
    expect(slurmMem(16 * 1024 ** 3)).toBe("16384M");
    expect(slurmMem(1e9)).toBe("954M");
  });

  it("sorted flags from resources, quoted values, extra directives last", () => {
    const lines = slurmBackend.directives(
      job({ duration: 7200, memory: 8 * 1024 ** 3, gpus: 2, options: { partition: "gpu", account: "my team", qos: "high", constraint: "a100" }, extra: ["--exclusive"], killOnInvalidDep: false }),
    );
    expect(lines).toEqual([
      "#SBATCH --account='my team'",
      "#SBATCH --constraint=a100",
      "#SBATCH --cpus-per-task=4",
      "#SBATCH --error=Learn.err",
      "#SBATCH --gres=gpu:2",
      "#SBATCH --job-name=x.Learn-01234567",
      "#SBATCH --kill-on-invalid-dep=no",
      "#SBATCH --mem=8192M",
      "#SBATCH --open-mode=append",
      "#SBATCH --output=Learn.out",
      "#SBATCH --partition=gpu",
      "#SBATCH --qos=high",
      "#SBATCH --signal=B:USR1@60",
      "#SBATCH --time=02:00:00",
      "#SBATCH --exclusive",
    ]);
  });
});

/** Every state word of the manual pages the tables cite: none may be missing. */
const MANUAL_STATES: Record<string, string[]> = {
  // squeue(1), JOB STATE CODES, SLURM 22.05
  slurm: "BOOT_FAIL CANCELLED COMPLETED CONFIGURING COMPLETING DEADLINE FAILED NODE_FAIL OUT_OF_MEMORY PENDING PREEMPTED RUNNING RESV_DEL_HOLD REQUEUE_FED REQUEUE_HOLD REQUEUED RESIZING REVOKED SIGNALING SPECIAL_EXIT STAGE_OUT STOPPED SUSPENDED TIMEOUT".split(" "),
  // OAR 2.5, Job states
  oar: "Waiting Hold toLaunch toError toAckReservation Launching Running Suspended Resuming Finishing Terminated Error".split(" "),
  // qstat(1B), the job's state (OpenPBS)
  pbs: "B E F H M Q R S T U W X".split(" "),
};

/** A declared pattern matched by bash's [[ =~ ]] (POSIX ERE) on each line: group 1, or "-". */
function bashMatches(pattern: string, lines: string[]): string[] {
  const script = 'p=$1; shift; for l in "$@"; do if [[ $l =~ $p ]]; then echo "${BASH_REMATCH[1]}"; else echo -; fi; done';
  return spawnSync("bash", ["-c", script, "bash", pattern, ...lines], { encoding: "utf8" }).stdout.trim().split("\n");
}

const jsMatches = (pattern: string, lines: string[]) => lines.map((l) => new RegExp(pattern).exec(l)?.[1] ?? "-");

describe("scheduler declarations", () => {
  for (const b of backends.schedulers()) {
    const s = b.scheduler!;
    it(`${b.key}: its state table has every state of ${s.manual}, each with the manual's words`, () => {
      expect(Object.keys(s.states).sort()).toEqual([...MANUAL_STATES[b.key]!].sort());
      for (const [raw, [, meaning]] of Object.entries(s.states)) {
        expect(raw).toMatch(/^[A-Za-z_]+$/);
        expect(meaning.length, raw).toBeGreaterThan(10);
      }
      // The key names bash functions and table entries.
      expect(b.key).toMatch(/^[a-z][a-z0-9_]*$/);
    });

    it(`${b.key}: its patterns mean the same to bash and to JavaScript`, () => {
      for (const p of [s.jobId, s.transient, s.status.line, s.accounting?.line, s.status.unknownIds].filter((x): x is string => x !== undefined)) {
        expect(p, p).not.toMatch(/\\[dswDSWbB]|\[\[:|\*\?|\+\?/);
      }
      const lines = ["1234", "1234;cluster", "OAR_JOB_ID=42", "OAR_JOB_ID=-5", "42.pbs", "12|PENDING|Dependency|x-1", "12_3|RUNNING|None|x|y", "7: Waiting", "2026-12-02 00:58:55> [30] FRAG_JOB_REQUEST: User x requested to frag the job 30", "sbatch: error: x", ""];
      for (const p of [s.jobId, s.status.line, ...(s.accounting ? [s.accounting.line] : [])]) expect(bashMatches(p, lines), p).toEqual(jsMatches(p, lines));
    });
  }
});

/** How sbatch reads one argument of an `#SBATCH` line: _get_argument in src/sbatch/opt.c (22.05), ported. */
function sbatchArgument(line: string): string {
  let out = "";
  let quote = "";
  let escape = false;
  for (const c of line.trimStart()) {
    if (!quote && /\s/.test(c) && !escape) break;
    if (escape) escape = false;
    else if (c === "\\") {
      escape = true;
      continue;
    } else if (quote) {
      if (c === quote) {
        quote = "";
        continue;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      continue;
    } else if (c === "#") break;
    out += c;
  }
  return out;
}

describe("D13: values on #SBATCH lines", () => {
  it("survive sbatch's own reading: backslashes, quotes, #, spaces", () => {
    for (const v of ["team-ml", "my team", "a\\b", "it's", 'say "hi"', "x#1", "~/x", "\\\\", "a b\\ c'd#e\"f"]) {
      expect(sbatchArgument(`--account=${sbatchQuote(v)}`), v).toBe(`--account=${v}`);
    }
    expect(sbatchQuote("a\\b")).toBe("'a\\\\b'");
    expect(sbatchQuote("team-ml")).toBe("team-ml");
  });
});

describe("SLURM (canned output)", () => {
  it("reads sbatch --parsable ids, with or without a cluster name; anything else is no id", () => {
    const ids = jsMatches(slurm.jobId, ["1234", "1234;cluster-a", "Submitted batch job 12", "sbatch: error: Batch job submission failed: Requested node configuration is not available", ""]);
    expect(ids).toEqual(["1234", "1234", "-", "-", "-"]);
  });

  it("maps squeue states through the one table; DependencyNeverSatisfied is blocked, queued or cancelled", () => {
    const out = [
      "10|PENDING|Dependency|n",
      "11|PENDING|DependencyNeverSatisfied|n",
      "12|REQUEUE_HOLD|JobHeldUser|n",
      "13|RUNNING|None|n",
      "14|COMPLETING|None|n",
      "15|COMPLETED|None|n",
      "16|FAILED|NonZeroExitCode|n",
      "17|CANCELLED|DependencyNeverSatisfied|n",
      "18|TIMEOUT|TimeLimit|n",
      "19|OUT_OF_MEMORY|OutOfMemory|n",
      "20|STOPPED|None|n",
      "21|CANCELLED|None|n",
      "22|WEIRD|None|n",
      "24_1|RUNNING|None|n",
      "25|RUNNING|None|someone-else",
      "slurm_load_jobs error: Invalid job id specified",
    ].join("\n");
    const lines = parseStateLines(slurm.status, out);
    expect(lines.get("10")).toEqual({ raw: "PENDING", reason: "Dependency", name: "n" });
    expect(lines.get("13")!.reason).toBeUndefined();
    const c = (id: string) => categorize(slurm, lines.get(id), "n");
    expect(["10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "24_1", "25", "99"].map(c)).toEqual([
      "queued", "blocked", "queued", "running", "running", "completed", "failed", "blocked", "timeout", "failed", "queued", "cancelled", "unknown", "running", "absent", "absent",
    ]);
    expect(lines.size).toBe(15);
  });

  it("asks squeue for every state of the given ids, a batch at a time; an unknown id is an answer, a time-out is not", () => {
    const calls: string[][] = [];
    const answer = ask(slurm.status, ["1", "2", "3"], (argv) => {
      calls.push([...argv]);
      return { status: 0, stdout: "1|PENDING|Priority|n\n", stderr: "" };
    });
    expect(calls).toEqual([["squeue", "-h", "-t", "all", "-r", "-o", "%i|%T|%r|%j", "-j", "1,2,3"]]);
    expect([...answer.lines.keys()]).toEqual(["1"]);
    const gone = ask(slurm.status, ["9"], () => ({ status: 1, stdout: "", stderr: "slurm_load_jobs error: Invalid job id specified\n" }));
    expect(gone).toEqual({ lines: new Map(), error: undefined });
    const down = ask(slurm.status, ["9"], () => ({ status: 1, stdout: "", stderr: "slurm_load_jobs error: Socket timed out on send/recv operation\n" }));
    expect(down.error).toBe("squeue failed (exit 1): slurm_load_jobs error: Socket timed out on send/recv operation");
  });

  it("reads sacct's states (`CANCELLED by 0`) with the same table", () => {
    const lines = parseStateLines(slurm.accounting!, "7|CANCELLED by 0|None|n\n8|COMPLETED|None|n\n");
    expect(categorize(slurm, lines.get("7"), "n")).toBe("cancelled");
    expect(categorize(slurm, lines.get("8"), "n")).toBe("completed");
  });

  it("writes dependencies and id lists as declared", () => {
    expect(idWords(slurm.dependency, ["1", "2"])).toEqual(["--dependency=afterok:1:2"]);
    expect(idWords(slurm.dependency, [])).toEqual([]);
    expect(idWords(oar.dependency, ["1", "2"])).toEqual(["-a", "1", "-a", "2"]);
    expect(idWords(oar.status.ids, ["3", "4"])).toEqual(["-j", "3", "-j", "4"]);
  });
});

describe("OAR", () => {
  it("writes the resource line with walltime, and options verbatim (oarsub reads them so)", () => {
    expect(formatDuration(90061)).toBe("25:01:01");
    const lines = oarBackend.directives(job({ backend: "oar", cpus: 2, duration: 3600, gpus: 1, options: { queue: "besteffort", project: "ml", properties: "gpu_model='V100'" } }));
    expect(lines).toEqual([
      "#OAR -n x.Learn-01234567",
      "#OAR -l /nodes=1/gpu=1/core=2,walltime=1:00:00",
      "#OAR -O Learn.out",
      "#OAR -E Learn.err",
      "#OAR -q besteffort",
      "#OAR --project ml",
      "#OAR -p gpu_model='V100'",
    ]);
  });

});

describe("OAR (canned output)", () => {
  it("reads OAR_JOB_ID among the admission rules' lines; a refused job (negative id) has none", () => {
    expect(jsMatches(oar.jobId, ["[ADMISSION RULE] Set default walltime to 7200.", "OAR_JOB_ID=4242", "OAR_JOB_ID=-5", "[ERROR] Oarsub failed, please verify your request syntax."])).toEqual(["-", "4242", "-", "-"]);
  });

  it("maps every oarstat -s state through the one table", () => {
    const out = ["1: Waiting", "2: Hold", "3: toLaunch", "4: Launching", "5: Running", "6: Finishing", "7: Terminated", "8: Error", "9: Suspended", "10: Resuming", "11: toAckReservation", "12: toError", "13: Weird"].join("\n");
    const lines = parseStateLines(oar.status, out);
    expect([...lines.keys()].map((id) => `${id}=${categorize(oar, lines.get(id), "any")}`)).toEqual([
      "1=queued", "2=queued", "3=running", "4=running", "5=running", "6=running", "7=ended", "8=failed", "9=queued", "10=running", "11=queued", "12=failed", "13=unknown",
    ]);
  });
});

describe("OAR's job events (canned oarstat -e output)", () => {
  const events = (lines: string[]) => parseStateLines(oar.accounting!, lines.map((l) => `2026-12-02 00:58:55> ${l}`).join("\n"));
  it("an oardel reads cancelled; the walltime, which frags the job too, reads timeout whatever the order", () => {
    const oardel = events(["[30] FRAG_JOB_REQUEST: User xpmtest requested to frag the job 30", "[30] SEND_KILL_JOB: [Leon] Send the kill signal to oarexec on localhost for job 30", "[30] SWITCH_INTO_ERROR_STATE: [bipbip 30] Ask to change the job state"]);
    expect(categorize(oar, oardel.get("30"), "any")).toBe("cancelled");
    const walltime = ["[31] WALLTIME: [sarko] Job [31] from 1 with 60; current time=62 (Elapsed)", "[31] FRAG_JOB_REQUEST: User oar requested to frag the job 31"];
    expect(categorize(oar, events(walltime).get("31"), "any")).toBe("timeout");
    expect(categorize(oar, events([...walltime].reverse()).get("31"), "any")).toBe("timeout");
    expect(categorize(oar, events(["[32] PROLOGUE_ERROR: [bipbip 32] error of prologue"]).get("32"), "any")).toBe("node-failure");
    expect(events(["[33] SEND_KILL_JOB: [Leon] Send the kill signal"]).has("33")).toBe(false);
  });

  it("are asked only for jobs oarstat -s shows ended without saying why", () => {
    expect(["Error", "Terminated", "Running", "Waiting"].map((raw) => askAccounting(oar, { raw, reason: undefined, name: undefined }))).toEqual([true, true, false, false]);
    expect(askAccounting(oar, undefined)).toBe(true);
    // Its words are never state words: one bash table holds both.
    for (const w of Object.keys(oar.accounting!.states!)) expect(oar.states[w], w).toBeUndefined();
  });

  it("SLURM's node and launch failures read node-failure", () => {
    expect(["NODE_FAIL", "BOOT_FAIL"].map((raw) => categorize(slurm, { raw, reason: undefined, name: undefined }, "n"))).toEqual(["node-failure", "node-failure"]);
  });
});

describe("PBS (canned qsub and qstat output)", () => {
  it("writes #PBS lines from resources, then goes to $PBS_O_WORKDIR (a PBS job starts in $HOME)", () => {
    const lines = pbsBackend.directives(job({ backend: "pbs", cpus: 4, duration: 5400, memory: 8 * 1024 ** 3, gpus: 2, options: { queue: "gpu", account: "team", project: "p1" }, extra: ["-m abe"] }));
    expect(lines).toEqual([
      "#PBS -N x.Learn-01234567",
      "#PBS -l select=1:ncpus=4:mem=8192mb:ngpus=2",
      "#PBS -l walltime=1:30:00",
      "#PBS -o Learn.pbs.out",
      "#PBS -e Learn.pbs.err",
      "#PBS -q gpu",
      "#PBS -A team",
      "#PBS -P p1",
      "#PBS -m abe",
      'cd "${PBS_O_WORKDIR:-.}" || exit 1',
    ]);
  });

  it("reads qsub's id (sequence number and server) and chains with -W depend=afterok", () => {
    expect(jsMatches(pbs.jobId, ["1234.pbs-server", "1234.head.cluster.org", "1234", "qsub: Unknown queue", "qsub: would exceed queue generic's per-user limit"])).toEqual(["1234.pbs-server", "1234.head.cluster.org", "1234", "-", "-"]);
    expect(idWords(pbs.dependency, ["1.s", "2.s"])).toEqual(["-W", "depend=afterok:1.s:2.s"]);
  });

  it("maps qstat -x -w lines through the one table; an unknown id is an answer", () => {
    const out = [
      "Job id                         Name            User             Time Use S Queue",
      "------------------------------ --------------- ---------------  -------- - -----",
      "101.pbs                        x.Learn-012345* alice            00:00:00 Q workq",
      "102.pbs                        x.Learn-abcdef* alice            00:01:07 R workq",
      "103.pbs                        x.Learn-999999* alice            00:02:00 F workq",
      "104.pbs                        x.Learn-888888* alice                   0 H workq",
    ].join("\n");
    const lines = parseStateLines(pbs.status, out);
    expect([...lines.keys()]).toEqual(["101.pbs", "102.pbs", "103.pbs", "104.pbs"]);
    expect([...lines.values()].map((l) => categorize(pbs, l, "ignored"))).toEqual(["queued", "running", "ended", "queued"]);
    const mixed = ask(pbs.status, ["101.pbs", "9.pbs"], () => ({ status: 153, stdout: out, stderr: "qstat: Unknown Job Id 9.pbs\n" }));
    expect(mixed.error).toBeUndefined();
    expect(mixed.lines.has("101.pbs")).toBe(true);
    const down = ask(pbs.status, ["101.pbs"], () => ({ status: 1, stdout: "", stderr: "Connection refused\nqstat: cannot connect to server pbs (errno=15010)\n" }));
    expect(down.error).toContain("qstat failed (exit 1): Connection refused qstat: cannot connect to server pbs");
  });
});

describe("the registry", () => {
  const launchersYaml = (text: string): string => {
    const dir = mkdtempSync(join(tmpdir(), "xpm-backends-"));
    writeFileSync(join(dir, "launchers.yaml"), text);
    return dir;
  };
  const problem = (dir: string): string => {
    try {
      loadLaunchers(dir, backends);
    } catch (e) {
      return (e as XpmError).diagnostics.map((d) => `${d.message} ${d.hint}`).join("\n");
    }
    return "";
  };

  it("decides the launcher types launchers.yaml accepts, and each backend's option block", () => {
    const keys = backends.all().map((b) => b.key);
    const text = keys.map((k) => `  - id: l-${k}\n    type: ${k}\n`).join("");
    expect(loadLaunchers(launchersYaml(`launchers:\n${text}`), backends).launchers.map((l) => l.type)).toEqual(keys);
    expect(problem(launchersYaml("launchers:\n  - id: a\n    type: lsf\n"))).toContain(`use one of: ${keys.join(", ")}`);
    for (const b of backends.all().filter((x) => x.options)) {
      const other = keys.find((k) => k !== b.key)!;
      expect(problem(launchersYaml(`launchers:\n  - id: a\n    type: ${other}\n    ${b.key}: {extra: []}\n`))).toContain(`has ${b.key} options but type ${other}`);
    }
  });
});
