/** The unified diff printed by --golden. */
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/util/diff.ts";

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => expect(unifiedDiff("a\nb", "a\nb", "x", "y")).toBe(""));
  it("prints hunks with three lines of context, deletions first", () => {
    const a = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].join("\n");
    const b = ["1", "2", "3", "4", "five", "6", "7", "8", "9", "10"].join("\n");
    expect(unifiedDiff(a, b, "golden/f", "emitted/f")).toBe(["--- golden/f", "+++ emitted/f", "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6", " 7", " 8"].join("\n"));
  });
  it("splits distant changes into separate hunks", () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const b = [...a];
    b[2] = "x";
    b[25] = "y";
    const d = unifiedDiff(a.join("\n"), b.join("\n"), "a", "b");
    expect(d.match(/^@@/gm)).toHaveLength(2);
    expect(d).toContain("-l2\n+x");
    expect(d).toContain("-l25\n+y");
  });
});
