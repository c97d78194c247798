/** --golden's comparison: unified diffs per file, and large files (a bundle) only by their size. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareGolden } from "../../src/emit/golden.ts";

const dir = mkdtempSync(join(tmpdir(), "xpm-golden-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compareGolden", () => {
  it("diffs small files line by line, and says only the sizes of large ones", () => {
    mkdirSync(join(dir, "assets/a"), { recursive: true });
    writeFileSync(join(dir, "small.txt"), "one\ntwo\n");
    writeFileSync(join(dir, "assets/a/tasks.mjs"), `${"x".repeat(70_000)}\n`);
    writeFileSync(join(dir, "gone.txt"), "bye\n");
    const emitted = new Map<string, string>([
      ["small.txt", "one\nthree\n"],
      ["assets/a/tasks.mjs", `${"y".repeat(70_000)}\n`],
      ["assets/b/tasks.mjs", `${"z".repeat(80_000)}\n`],
    ]);
    const diffs = compareGolden(dir, emitted);
    expect(diffs).toEqual([
      "--- golden/assets/a/tasks.mjs\n+++ emitted/assets/a/tasks.mjs\n@@ large file, not shown: 70001 bytes -> 70001 bytes @@",
      "--- (not in golden)\n+++ emitted/assets/b/tasks.mjs\n@@ large file, not shown: none -> 80001 bytes @@",
      expect.stringMatching(/^--- golden\/gone\.txt\n\+\+\+ \(not emitted any more\)\n@@ .* @@\n-bye/),
      expect.stringMatching(/^--- golden\/small\.txt\n\+\+\+ emitted\/small\.txt\n@@ .* @@\n one\n-two\n\+three/),
    ]);
    expect(compareGolden(dir, new Map([["small.txt", "one\ntwo\n"], ["assets/a/tasks.mjs", `${"x".repeat(70_000)}\n`], ["gone.txt", "bye\n"]]))).toEqual([]);
  });
});
