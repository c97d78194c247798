/** launchers.yaml and matching: priority, alternatives, durations, GPU type and memory, refusals. */
import { describe, expect, it } from "vitest";
import { backends } from "../../src/backends/index.ts";
import { loadLaunchers, localLauncher } from "../../src/load/launchers.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { explainRefusals } from "../../src/resolve/index.ts";
import { findLauncher, refusal } from "../../src/resolve/match.ts";
import { parseRequirement } from "../../src/resolve/requirements.ts";
import { cli, fixture, errorsIn } from "../helpers.ts";

const { launchers } = loadLaunchers(fixture("launchers/cluster"), backends);

function pick(spec: string): string {
  const r = parseRequirement(spec);
  if (!r.ok) throw new Error(r.error.message);
  const found = findLauncher(r.value, launchers);
  return "match" in found ? `${found.match.launcher.id}#${found.match.alternative + 1}` : `none:\n${explainRefusals(found.refusals, r.value.length)}`;
}

describe("launchers.yaml", () => {
  it("reads every field, with sizes and durations in bytes and seconds", () => {
    const a100 = launchers.find((l) => l.id === "gpu-a100")!;
    expect(a100).toMatchObject({ type: "slurm", priority: 10, cores: 32, memory: 256 * 1024 ** 3, maxDuration: 2 * 86400, minGpus: 1 });
    expect(a100.accelerators).toEqual([{ type: "cuda", memory: 80 * 1024 ** 3, count: 2 }]);
    expect(a100.options).toEqual({ partition: "gpu", account: "team-ml", qos: "normal", constraint: "a100" });
    expect(a100.extra).toEqual(["--exclusive"]);
    expect(launchers.find((l) => l.id === "oar-v100")!.options).toEqual({ queue: "default", project: "ml", properties: "gpu_model='V100'" });
  });

  it("without a file, one local launcher describes this machine", () => {
    const none = loadLaunchers(fixture("launchers/does-not-exist"), backends);
    expect(none.file).toBeUndefined();
    expect(none.launchers).toHaveLength(1);
    expect(none.launchers[0]).toMatchObject({ id: "local", type: "local" });
    expect(none.launchers[0]!.cores).toBeGreaterThan(0);
  });

  const bad: [string, string, string][] = [
    ["unknown-type", "launchers.0.type", "use one of: local, slurm, oar"],
    ["negative-cores", "launchers.0.cores", "use a value above 0"],
    ["size-without-unit", "launchers.0.memory", "a size needs a unit: write e.g. 16GiB"],
    ["duplicate-id", "launchers.2.id", "give every launcher its own id"],
    ["unknown-key", "launchers.0.slurm.partion", "did you mean 'partition'?"],
  ];
  for (const [name, path, text] of bad) {
    it(`invalid: ${name}`, () => {
      let error: XpmError | undefined;
      try {
        loadLaunchers(fixture("launchers/bad", name), backends);
      } catch (e) {
        error = e as XpmError;
      }
      expect(error).toBeInstanceOf(XpmError);
      const [d] = error!.diagnostics;
      expect(d!.code).toBe("XPM410");
      expect(d!.where?.file).toContain(`launchers/bad/${name}/launchers.yaml`);
      expect(d!.where?.path).toBe(path);
      expect(d!.where?.line).toBeGreaterThan(1);
      expect(`${d!.message} ${d!.hint}`).toContain(text);
    });
  }
});

describe("matching", () => {
  it("tries launchers by priority: the GPU partition first for GPU jobs", () => {
    expect(pick("gpu(mem=40GiB)")).toBe("gpu-a100#1");
  });
  it("a launcher with min_gpus refuses CPU jobs; the next priority takes them", () => {
    expect(pick("cpu(cores=8)")).toBe("cpu-long#1");
  });
  it("too long for every GPU launcher but OAR's day limit fits the second alternative", () => {
    expect(pick("duration=3d & gpu(mem=16GiB) | duration=20h & cuda(mem=16GiB)*3")).toBe("oar-v100#2");
  });
  it("alternatives are tried in order, before lower-priority launchers of a later alternative", () => {
    expect(pick("duration=1h & cpu(cores=2) | gpu()")).toBe("cpu-long#1");
  });
  it("typed accelerators only match their type: mps on the laptop, cuda elsewhere", () => {
    expect(pick("mps(mem=8GiB)")).toBe("laptop#1");
    expect(pick("cuda(mem=8GiB)")).toBe("gpu-a100#1");
  });
  it("MPS memory is the host's memory", () => {
    expect(pick("mps(mem=32GiB)")).toMatch(/^none:/);
  });
  it("GPU memory decides: 40GiB x3 only fits nowhere (A100 has 2, V100 has 32GiB)", () => {
    const out = pick("gpu(mem=40GiB)*3");
    expect(out).toContain("gpu-a100: asks 3 GPUs, offers 2");
    expect(out).toContain("oar-v100: asks 3 GPUs with 40GiB, offers 4 with at most 32GiB");
    expect(out).toContain("laptop: asks 3 GPUs, offers 1");
  });
  it("a refusal names every reason: a GPU job asking 4 cores of a 2-core CPU machine hears of both", () => {
    const cpu2 = { ...localLauncher(), cores: 2, memory: 8 * 1024 ** 3 };
    const r = parseRequirement("gpu(mem=4G)*1 & cpu(cores=4)");
    if (!r.ok) throw new Error(r.error.message);
    expect(refusal(r.value[0]!, cpu2)).toBe("asks 4 cores, offers 2; asks 1 GPU, offers 0");
  });
  it("nothing matches: every launcher says why", () => {
    const out = pick("duration=10d & cpu(cores=128, mem=1TiB)");
    expect(out).toBe(
      [
        "none:",
        "gpu-a100: asks 128 cores, offers 32; asks 1TiB of memory, offers 256GiB; asks 240:00:00, allows at most 48:00:00; takes only jobs with at least 1 GPU, asks 0",
        "cpu-long: asks 128 cores, offers 64; asks 1TiB of memory, offers 512GiB; asks 240:00:00, allows at most 168:00:00",
        "oar-v100: asks 128 cores, offers 16; asks 1TiB of memory, offers 128GiB; asks 240:00:00, allows at most 24:00:00",
        "laptop: asks 128 cores, offers 4; asks 1TiB of memory, offers 16GiB; asks 240:00:00, allows at most 2:00:00",
      ].join("\n"),
    );
    expect(pick("duration=10d & cpu(cores=2)")).toContain("cpu-long: asks 240:00:00, allows at most 168:00:00");
    expect(pick("cpu(mem=600GiB)")).toContain("cpu-long: asks 600GiB of memory, offers 512GiB");
  });
});

describe("in the CLI", () => {
  const dir = fixture("launchers/cluster");
  it("find-launcher prints the choice and its resources", () => {
    const r = cli(["find-launcher", "duration=4h & cpu(cores=4, mem=16GiB) & gpu(mem=24GiB)*2", "--xpm-config-dir", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("gpu-a100 (slurm)");
    expect(r.stdout).toContain("cpus=4 mem=16GiB time=4:00:00 gpus=2 (gpu 24GiB)");
    expect(r.stdout).toContain("partition: gpu");
  });
  it("find-launcher explains a refusal and exits 1", () => {
    const r = cli(["find-launcher", "gpu()*8", "--xpm-config-dir", dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("gpu-a100: asks 8 GPUs, offers 2");
  });
  it("dry-run shows each job's launcher and resources", () => {
    const r = cli(["run-experiment", "examples/grid/normal", "--run-mode", "dry-run", "--xpm-config-dir", dir]);
    expect(errorsIn(r.stderr)).toBe("");
    expect(r.stdout).toContain("launcher cpu-long (slurm): cpus=1 account=team-ml partition=cpu");
    expect(r.stdout).toContain("requirements cpu(cores=1)");
  });
  const needs = fixture("projects/needs/normal");
  it("submit-time requirements pick another launcher", () => {
    const r = cli(["run-experiment", needs, "--run-mode", "dry-run", "--xpm-config-dir", dir, "-c", "requirements=cuda(mem=8GiB)"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("launcher gpu-a100 (slurm): cpus=1 gpus=1");
    expect(r.stdout).toContain("launcher cpu-long (slurm): cpus=1");
  });
  it("a launcher forced at submission is used, and an unknown one is an error", () => {
    const forced = cli(["run-experiment", needs, "--run-mode", "dry-run", "--xpm-config-dir", dir, "-c", "launcher=oar-v100"]);
    expect(forced.stdout).toContain("launcher oar-v100 (oar): cpus=1 project=ml");
    const unknown = cli(["run-experiment", needs, "--run-mode", "dry-run", "--xpm-config-dir", dir, "-c", "launcher=gpu-h100"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("error XPM412: needs.Work asks for launcher 'gpu-h100', which is not declared");
  });
  it("a job that nothing can run stops the compile with every refusal", () => {
    const r = cli(["run-experiment", needs, "--run-mode", "prepare", "--xpm-config-dir", dir, "-c", "requirements=gpu()*8"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error XPM411: no launcher can run needs.Work (requirements: gpu()*8)");
    expect(r.stderr).toContain("gpu-a100: asks 8 GPUs, offers 2");
  });
  it("a bad requirement string is shown with a caret under the column", () => {
    const r = cli(["run-experiment", needs, "--run-mode", "dry-run", "--xpm-config-dir", dir, "-c", "requirements=cpu(cores=2) & gpu(mem=4)"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error XPM402: needs.Work: invalid requirement at column 24: the number 4 needs a unit");
    expect(r.stderr).toContain("   | cpu(cores=2) & gpu(mem=4)\n   |                        ^");
    // Located at the -c that set it, and the job that received it is named.
    expect(r.stderr).toMatch(/found '\)' \(the requirements of needs\.Work\/\w{8}\)\n {2}--> -c requirements=cpu\(cores=2\) & gpu\(mem=4\) at requirements\n/);
  });
  it("a bad requirement string from the YAML is located at its line and column there", () => {
    const r = cli(["run-experiment", fixture("projects/needs/bad-requirements"), "--run-mode", "dry-run", "--xpm-config-dir", dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error XPM402: needs.Work: invalid requirement at column 24");
    expect(r.stderr).toContain("--> test/fixtures/projects/needs/bad-requirements.yaml:4:39 at requirements");
  });
});
