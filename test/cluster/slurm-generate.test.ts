/**
 * `experimaestro launchers slurm generate` against the real single-node SLURM
 * (scripts/cluster/slurm-up.sh; `npm run test:slurm`): the launchers.yaml it writes is one that
 * find-launcher uses, and `--dump` on the cluster then `--from` elsewhere gives the same bytes.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tmp } from "../helpers.ts";
import { schedulerOrSkip } from "./cluster.ts";

const reason = schedulerOrSkip("slurm", "SLURM (launchers generate)");

describe.skipIf(reason !== undefined)("launchers slurm generate on the live SLURM", () => {
  it("writes launchers.yaml that find-launcher uses; --dump then --from gives the same file", () => {
    const dir = tmp("xpm-slurm-generate-");
    const live = join(dir, "live");
    const offline = join(dir, "offline");
    mkdirSync(live);
    mkdirSync(offline);
    const dump = join(dir, "cluster.dump");
    const r = cli(["launchers", "slurm", "generate", "--dump", dump, "--output", join(live, "launchers.yaml")]);
    expect(r.stderr).toContain(`cluster dump written to ${dump}`);
    expect(r.status).toBe(0);
    const text = readFileSync(join(live, "launchers.yaml"), "utf8");
    // The test cluster: partition debug on node localhost, 8 CPUs (scripts/cluster/slurm-up.sh).
    expect(text).toMatch(/  - id: debug\n    type: slurm\n    priority: 1\n    cores: 8\n    memory: [0-9]+MiB\n/);
    expect(text).toContain("    slurm:\n      partition: debug\n      max_array_size: ");
    expect(text).toContain("# read: sinfo -h -N -o %R|%N|%c|%m|%G|%T");
    expect(text).toMatch(/# (not )?read: sacctmgr -P show qos/);
    // With accounting (scripts/cluster/ sets up QoS xpm-small: 50 submitted jobs per user, not
    // the default QoS), that QoS is a launcher of its own with its limit.
    if (text.includes("# read: sacctmgr -P show qos")) {
      expect(text).toMatch(/  - id: debug-xpm-small\n[^]*?      partition: debug\n      qos: xpm-small\n      max_array_size: [0-9]+\n      max_submit: 50\n/);
    }

    const found = cli(["find-launcher", "--xpm-config-dir", live, "cpu(cores=2, mem=500MiB) & duration=10m"]);
    expect(found.stdout).toContain("debug (slurm)");
    expect(found.stdout).toContain("partition: debug");
    expect(found.status).toBe(0);
    const tooBig = cli(["find-launcher", "--xpm-config-dir", live, "cpu(cores=64)"]);
    expect(tooBig.stdout).toContain("debug: asks 64 cores, offers 8");

    // Another machine: no scheduler on PATH, only the dump.
    const again = cli(["launchers", "slurm", "generate", "--from", dump, "--output", join(offline, "launchers.yaml")], { env: { PATH: tmp("xpm-empty-path-") } });
    expect(again.status).toBe(0);
    expect(readFileSync(join(offline, "launchers.yaml"), "utf8")).toBe(text);
  });
});
