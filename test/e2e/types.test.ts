/**
 * Typed end to end, as a user's project sees it: tsc over a fixture project accepts correct use
 * (outputs inferred, execute/command values typed) and refuses each wrong use with its error,
 * on its line: a wrong output field, a wrong param type, a missing or unknown param, a config
 * submitted as a task, a wrongly typed value in an execute function.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, fixture } from "../helpers.ts";

const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

function tsc(project: string): { status: number | null; errors: string[]; output: string } {
  const r = spawnSync(process.execPath, [TSC, "-p", project, "--pretty", "false"], { cwd: ROOT, encoding: "utf8" });
  const errors = r.stdout.split("\n").filter((l) => / error TS\d+:/.test(l));
  return { status: r.status, errors, output: r.stdout };
}

describe("types in a user's project", () => {
  it("correct use type-checks with no cast", () => {
    const r = tsc(fixture("types/good"));
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(0);
  });

  it("each wrong use is a tsc error on its line", () => {
    const file = fixture("bad/types/experiment.ts");
    const expected = readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) => {
        const m = /\/\/ error (TS\d+)$/.exec(line);
        return m ? [`${i + 1} ${m[1]}`] : [];
      });
    expect(expected).toHaveLength(7);
    const r = tsc(fixture("bad/types"));
    expect(r.status).toBe(2);
    const got = r.errors.map((l) => {
      const m = /experiment\.ts\((\d+),\d+\): error (TS\d+):/.exec(l);
      expect(m, l).not.toBeNull();
      return `${m![1]} ${m![2]}`;
    });
    expect(got).toEqual(expected);
    expect(r.errors.find((l) => l.includes("TS2339") && l.includes("'modle'"))).toBeDefined();
    expect(r.output).toContain("Property 'seed' is missing");
  });
});
