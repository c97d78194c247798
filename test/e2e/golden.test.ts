/**
 * The `prepare` output of the example is byte-stable: equal to golden/ (file list included),
 * and identical wherever the workspace lives. Regenerate with `npm run golden`.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { hostname } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, cli, tmp, tree } from "../helpers.ts";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function prepare(ws: string) {
  made.push(ws);
  const r = cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return tree(ws);
}

describe("golden files of the grid example", () => {
  it("prepare output equals golden/grid byte for byte, with the same file list", () => {
    const got = prepare(tmp());
    const golden = tree(join(ROOT, "golden/grid"));
    expect([...got.keys()]).toEqual([...golden.keys()]);
    for (const [path, bytes] of golden) expect(got.get(path)?.toString("utf8"), path).toBe(bytes.toString("utf8"));
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

  it("preparing twice writes nothing the second time", () => {
    const ws = tmp();
    prepare(ws);
    const r = cli(["run-experiment", "examples/grid/normal", "--run-mode", "prepare", "--workdir", ws]);
    expect(r.stdout).toMatch(/0 files written, 33 unchanged/);
  });
});
