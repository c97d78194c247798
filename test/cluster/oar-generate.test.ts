/**
 * `experimaestro launchers oar generate` against the real single-node OAR (scripts/cluster/oar-up.sh;
 * `npm run test:oar`): the launchers.yaml it writes is one that find-launcher uses, and `--dump`
 * then `--from` gives the same bytes.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tmp } from "../helpers.ts";
import { schedulerOrSkip } from "./cluster.ts";

const reason = schedulerOrSkip("oar", "OAR (launchers generate)");

describe.skipIf(reason !== undefined)("launchers oar generate on the live OAR", () => {
  it("writes launchers.yaml that find-launcher uses; --dump then --from gives the same file", () => {
    const dir = tmp("xpm-oar-generate-");
    for (const d of ["live", "offline"]) mkdirSync(join(dir, d));
    const dump = join(dir, "cluster.dump");
    const r = cli(["launchers", "oar", "generate", "--dump", dump, "--output", join(dir, "live/launchers.yaml")]);
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(join(dir, "live/launchers.yaml"), "utf8");
    // The test cluster: one host, localhost, one resource per core (scripts/cluster/oar-up.sh).
    expect(text).toMatch(/  - id: oar-default\n    type: oar\n    priority: 1\n    cores: [0-9]+\n/);
    const found = cli(["find-launcher", "--xpm-config-dir", join(dir, "live"), "cpu(cores=1) & duration=10m"]);
    expect(found.stdout).toContain("oar-default (oar)");
    const again = cli(["launchers", "oar", "generate", "--from", dump, "--output", join(dir, "offline/launchers.yaml")], { env: { PATH: tmp("xpm-empty-path-") } });
    expect(again.status).toBe(0);
    expect(readFileSync(join(dir, "offline/launchers.yaml"), "utf8")).toBe(text);
  });
});
