import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { relativePath } from "../../src/util/relpath.ts";

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
});
