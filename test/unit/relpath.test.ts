import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { jobToJob, relativePath } from "../../src/util/relpath.ts";

describe("relativePath", () => {
  it("gives the paths job scripts and params.json use", () => {
    expect(relativePath("jobs/a.b/1234", "jobs/a.b/5678/model.bin")).toBe("../5678/model.bin");
    expect(relativePath("jobs/a.b/1234", "jobs/c.d/5678/out/x.json")).toBe("../../c.d/5678/out/x.json");
    expect(relativePath("jobs/a.b/1234", "assets/0123456789abcdef/train.mjs")).toBe("../../../assets/0123456789abcdef/train.mjs");
    expect(relativePath("jobs/a.b/1234", "jobs/a.b/1234")).toBe("");
  });

  it("agrees with posix.relative on every pair of paths built from tricky segments", () => {
    const segments = ["a", "b", "jobs", "x.y", "..", ".", "", "c d", "é"];
    const paths: string[] = [];
    const grow = (prefix: string[]) => {
      if (prefix.length) paths.push(prefix.join("/"), `/${prefix.join("/")}`, `${prefix.join("/")}/`);
      if (prefix.length < 3) for (const s of segments) grow([...prefix, s]);
    };
    grow([]);
    const usable = paths.filter((p) => p !== "" && p !== "/");
    let mismatches = 0;
    for (const from of usable.filter((_, i) => i % 7 === 0)) {
      for (const to of usable) if (relativePath(from, to) !== posix.relative(from, to)) mismatches++;
    }
    expect(usable.length).toBeGreaterThan(2000);
    expect(mismatches).toBe(0);
  });

  it("jobToJob agrees with posix.relative between job folders, and elsewhere", () => {
    const dirs = ["jobs/a.b/1234", "jobs/a.b/5678", "jobs/c.d/1234", "jobs/a.bc/1234", "jobs/a/1", "jobs/x/y/z", "jobs/a.b", "other/a.b/1234", "/jobs/a.b/1", "jobs//1", "jobs/a.b/"];
    const rels = ["model.bin", "out/x.json", "", ".", "..", "../x", "a//b", "a/", "é f"];
    for (const from of dirs) {
      for (const to of dirs) {
        for (const rel of rels) expect(jobToJob(from, to, rel), `${from} -> ${to} + ${rel}`).toBe(posix.relative(from, `${to}/${rel}`));
      }
    }
  });
});
