/**
 * `experimaestro launchers slurm generate` from a canned dump (test/fixtures/cluster-dumps/, SLURM
 * 22.05 output formats): the launchers.yaml it writes, that find-launcher uses it, and the located
 * errors (a missing scheduler command, a damaged dump). The live cluster is in
 * test/cluster/slurm-generate.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture, tmp } from "../helpers.ts";

const DUMP = fixture("cluster-dumps/slurm-site.dump");
const EXPECTED = fixture("cluster-dumps/slurm-site.launchers.yaml");

function generated(dump: string): { dir: string; text: string } {
  const dir = tmp("xpm-launchgen-");
  const r = cli(["launchers", "slurm", "generate", "--from", dump, "--output", join(dir, "launchers.yaml")]);
  expect(r.stderr).toContain("launchers written to");
  expect(r.status).toBe(0);
  return { dir, text: readFileSync(join(dir, "launchers.yaml"), "utf8") };
}

describe("launchers slurm generate --from a dump", () => {
  it("writes one launcher per partition that is UP, with the site's limits", () => {
    const { text } = generated(DUMP);
    expect(text).toBe(readFileSync(EXPECTED, "utf8"));
    // The GPU partition: 4 A100 per node, the partition QoS's MaxWall and MaxSubmitPU are the tighter limits.
    expect(text).toContain("  - id: gpu\n    type: slurm\n    priority: 2\n    cores: 40\n    memory: 480000MiB\n    max_duration: 20h\n    min_gpus: 1\n");
    expect(text).toMatch(/partition: gpu\n\s+max_array_size: 1001\n\s+max_submit: 500\n/);
    expect(text).toContain("# left out (not UP): maint (State=DOWN)");
    // A QoS the user may ask for (not the default one) is a launcher of its own, with its limits.
    expect(text).toMatch(/  - id: cpu-gpu-qos\n[^]*?max_duration: 20h\n    slurm:\n      partition: cpu\n      qos: gpu-qos\n      max_array_size: 1001\n      max_submit: 500\n/);
    expect(text).not.toContain("id: gpu-gpu-qos");
    // The same bytes on stdout, and on a second run.
    const out = cli(["launchers", "slurm", "generate", "--from", DUMP]);
    expect(`${out.stdout.trimEnd()}\n`).toBe(text);
  });

  it("gives find-launcher launchers it matches requirements against", () => {
    const { dir } = generated(DUMP);
    const find = (req: string) => cli(["find-launcher", "--xpm-config-dir", dir, req]);
    expect(find("gpu(mem=24GiB)*2 & duration=4h").stdout).toContain("gpu (slurm)");
    expect(find("cpu(cores=8) & duration=1d").stdout).toContain("cpu (slurm)");
    expect(find("cpu(cores=8) & duration=3d").stdout).toContain("long (slurm)");
    const refused = find("cpu(cores=20) & duration=4d");
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain("long: asks 20 cores, offers 16");
  });

  it("without accounting, says what it could not read and still generates", () => {
    const dump = join(tmp("xpm-launchgen-"), "noacct.dump");
    const text = readFileSync(DUMP, "utf8").replace(/^@@ (qos|assoc) status=0$/gm, "@@ $1 status=1").replace(/^(\$ sacctmgr.*)$/gm, "$1\n! You are not running a supported accounting_storage plugin");
    writeFileSync(dump, text);
    const r = cli(["launchers", "slurm", "generate", "--from", dump]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("# not read: sacctmgr -P show qos (exit 1: You are not running a supported accounting_storage plugin)");
    expect(r.stderr).toContain("per-user limits (QoS MaxSubmitJobsPerUser, association MaxSubmitJobs) are unknown");
    // MaxJobCount is then the only submit limit known.
    expect(r.stdout).toContain("# max_submit: MaxJobCount");
  });
});

describe("launchers oar generate --from a dump", () => {
  it("writes one launcher per cluster of hosts (oarnodes -J), with GPUs and memory from the properties", () => {
    const dir = tmp("xpm-launchgen-");
    const r = cli(["launchers", "oar", "generate", "--from", fixture("cluster-dumps/oar-site.dump"), "--output", join(dir, "launchers.yaml")]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, "launchers.yaml"), "utf8")).toBe(readFileSync(fixture("cluster-dumps/oar-site.launchers.yaml"), "utf8"));
    const gpu = cli(["find-launcher", "--xpm-config-dir", dir, "gpu(mem=12GiB)*2"]);
    expect(gpu.stdout).toContain("oar-chifflot (oar)");
    expect(gpu.stdout).toContain("properties: cluster='chifflot'");
    expect(cli(["find-launcher", "--xpm-config-dir", dir, "cpu(cores=8)"]).stdout).toContain("oar-paravance (oar)");
  });
});

describe("launchers generate: errors", () => {
  it("names the scheduler command that is missing and how to generate elsewhere", () => {
    const r = cli(["launchers", "slurm", "generate"], { env: { PATH: tmp("xpm-empty-path-") } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error XPM420: `sinfo -h -N -o %R|%N|%c|%m|%G|%T` is not available here");
    expect(r.stderr).toContain("--dump slurm.dump");
    expect(r.stderr).toContain("--from slurm.dump");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("locates a damaged dump line", () => {
    const dump = join(tmp("xpm-launchgen-"), "bad.dump");
    writeFileSync(dump, readFileSync(DUMP, "utf8").replace("| cpu|c002|", "cpu|c002|"));
    const r = cli(["launchers", "slurm", "generate", "--from", dump]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/error XPM422: unexpected line "cpu\|c002\|.*\n  --> .*bad\.dump:8\n/);
    const missing = cli(["launchers", "slurm", "generate", "--from", join(dirname(dump), "none.dump")]);
    expect(missing.stderr).toContain("error XPM422: cannot read the dump");
  });

  it("refuses a scheduler it cannot read, a dump of another scheduler, and overwriting a different file", () => {
    expect(cli(["launchers", "pbs", "generate"]).stderr).toContain("error XPM424: launchers cannot be generated for 'pbs'");
    const dir = tmp("xpm-launchgen-");
    const oarDump = join(dir, "oar.dump");
    writeFileSync(oarDump, readFileSync(DUMP, "utf8").replace("# backend: slurm", "# backend: oar"));
    expect(cli(["launchers", "slurm", "generate", "--from", oarDump]).stderr).toContain("is a oar dump, not a slurm one");
    mkdirSync(join(dir, "cfg"));
    writeFileSync(join(dir, "cfg/launchers.yaml"), "launchers: []\n");
    const r = cli(["launchers", "slurm", "generate", "--from", DUMP, "--output", join(dir, "cfg/launchers.yaml")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("exists and differs");
    expect(cli(["launchers", "slurm", "generate", "--from", DUMP, "--output", join(dir, "cfg/launchers.yaml"), "--force"]).status).toBe(0);
    expect(cli(["launchers", "slurm", "generate", "--from", DUMP, "--output", join(dir, "cfg/launchers.yaml")]).stderr).toContain("is unchanged");
  });
});
