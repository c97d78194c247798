/**
 * The `prepare` output of the examples is byte-stable: equal to golden/ (file list included),
 * and identical wherever the workspace lives. Regenerate with `npm run golden`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GOLDEN_EXAMPLES } from "../../scripts/golden-examples.mjs";
import { ROOT, cli, tmp, tree, errorsIn, scratchFolders } from "../helpers.ts";

const scratch = scratchFolders();

function prepare(ws: string, yaml = "examples/grid/normal", launchers?: string) {
  scratch.track(ws);
  const config = launchers ?? tmp("xpm-empty-config-");
  const r = cli(["run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws, "--xpm-config-dir", config]);
  expect(errorsIn(r.stderr)).toBe("");
  expect(r.status).toBe(0);
  return tree(ws);
}

describe("golden files", () => {
  for (const example of GOLDEN_EXAMPLES) {
    it(`prepare output equals golden/${example.name} byte for byte, with the same file list`, () => {
      const got = prepare(tmp(), example.yaml, example.launchers);
      const golden = tree(join(ROOT, "golden", example.name));
      expect([...got.keys()]).toEqual([...golden.keys()]);
      for (const [path, bytes] of golden) expect(got.get(path)?.toString("utf8"), path).toBe(bytes.toString("utf8"));
    });
  }

  it("the SLURM and OAR trees hold their submit drivers and scheduler headers", () => {
    const slurm = [...tree(join(ROOT, "golden/grid-slurm")).entries()];
    expect(slurm.some(([p]) => p === "experiments/grid/submit-slurm.sh")).toBe(true);
    expect(slurm.find(([p]) => p.endsWith("train.sh"))![1].toString()).toContain("#SBATCH --time=00:10:00");
    const oar = [...tree(join(ROOT, "golden/grid-oar")).entries()];
    expect(oar.some(([p]) => p === "experiments/grid/submit-oar.sh")).toBe(true);
    expect(oar.find(([p]) => p.endsWith("train.sh"))![1].toString()).toContain("#OAR -l /nodes=1/core=1,walltime=0:10:00");
  });

  it("two workspaces at different paths get identical trees", () => {
    const a = prepare(tmp("xpm-a-"));
    const b = prepare(join(tmp("xpm-b-"), "deeper", "ws"));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, bytes] of a) expect(b.get(path)?.equals(bytes), path).toBe(true);
  });

  it("emitted files hold no absolute path, host name or date", () => {
    const ws = tmp();
    const files = prepare(ws);
    const text = [...files.values()].map((b) => b.toString("utf8")).join("\n");
    expect(text).not.toContain(ws);
    expect(text).not.toContain(ROOT);
    expect(text).not.toMatch(/\b20\d\d-\d\d-\d\d/);
    expect(text).not.toContain(hostname());
  });

  it("preparing twice writes nothing the second time, and a script edited by hand is put back", () => {
    const ws = tmp();
    const files = prepare(ws);
    const again = () => cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws, "--xpm-config-dir", tmp()]);
    expect(again().stdout).toMatch(/0 files written, 36 unchanged/);
    // What was written is recorded outside the reviewable tree, so the next prepare can skip it.
    expect(existsSync(join(ws, ".xpm/prepared/grid"))).toBe(true);
    const script = [...files.keys()].find((p) => p.startsWith("jobs/") && p.endsWith(".sh"))!;
    writeFileSync(join(ws, script), "#!/bin/sh\necho edited\n");
    expect(again().stdout).toMatch(/1 file written, 35 unchanged/);
    expect(readFileSync(join(ws, script)).equals(files.get(script)!)).toBe(true);
  });
});
