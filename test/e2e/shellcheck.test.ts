/**
 * Every emitted script passes shellcheck: the golden tree, and scripts with hostile values and
 * dependency lists. .ci/run installs shellcheck and CI requires it; on a machine without it
 * these tests are skipped with a loud reason (apt-get install shellcheck to run them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, cli, fixture, tmp, tree } from "../helpers.ts";

function shellcheck(files: string[]): { status: number | null; output: string } {
  const r = spawnSync("shellcheck", ["--severity=style", ...files], { encoding: "utf8" });
  if (r.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck; .ci/run does it): ${r.error.message}`);
  return { status: r.status, output: r.stdout + r.stderr };
}

function scripts(dir: string): string[] {
  return [...tree(dir).keys()].filter((p) => p.endsWith(".sh") && !p.startsWith("assets/")).map((p) => join(dir, p));
}

const installed = spawnSync("shellcheck", ["--version"]).status === 0;
if (!installed) {
  const line = "\n*** shellcheck tests SKIPPED: shellcheck is not installed (apt-get install shellcheck) ***\n";
  process.stdout.write(line);
  process.stderr.write(line);
}

describe.skipIf(!installed && !process.env.CI)("shellcheck", () => {
  it("passes on every script of the golden tree", () => {
    const files = scripts(join(ROOT, "golden"));
    expect(files.length).toBeGreaterThan(10);
    const r = shellcheck(files);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
    // Four golden trees of some sixty scripts: shellcheck takes its time on a loaded machine.
  }, 240_000);

  it("passes on scripts with hostile values and several dependencies", () => {
    for (const project of ["inject", "chain"]) {
      const ws = tmp();
      expect(cli(["run-experiment", fixture("projects", project, "normal"), "--run-mode", "prepare", "--workdir", ws]).status).toBe(0);
      const r = shellcheck(scripts(ws));
      expect(r.output).toBe("");
    }
  });

  it("notices a real problem (the check is live)", () => {
    const dir = tmp();
    execFileSync("bash", ["-c", `printf '#!/usr/bin/env bash\\necho $1\\n' > ${dir}/bad.sh`]);
    expect(readdirSync(dir)).toContain("bad.sh");
    expect(shellcheck([join(dir, "bad.sh")]).status).not.toBe(0);
  });
});
