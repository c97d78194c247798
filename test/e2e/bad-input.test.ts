/**
 * Bad input is a table of fixtures (test/fixtures/bad/): each mistake gives a stable code, a
 * message that says what and where, a hint, exit status 2, no stack trace, and writes nothing.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, errorsIn, fixture, tmp } from "../helpers.ts";

const cases: { name: string; args?: string[]; code: string; fragments: string[] }[] = [
  { name: "yaml-syntax", code: "XPM101", fragments: ["YAML syntax error", "yaml-syntax.yaml:4:1", "^"] },
  { name: "unknown-key", code: "XPM104", fragments: ["unknown key 'secnds'", "unknown-key.yaml:3:", "did you mean 'seconds'?"] },
  { name: "mistyped-key", code: "XPM104", fragments: ["'seconds': expected number, received string", "mistyped-key.yaml:3:10", 'got "ten"'] },
  { name: "missing-run", code: "XPM112", fragments: ["does not export a 'run' function", "missing-run.yaml:2:7", "export async function run"] },
  { name: "missing-module", code: "XPM110", fragments: ["'nowhere.ts' does not exist", "missing-module.yaml:2:7"] },
  { name: "ts-syntax", code: "XPM111", fragments: ['Unexpected ")"', "ts-syntax.ts:4:42", "fix the module at this location"] },
  { name: "broken-import", code: "XPM110", fragments: ["does-not-exist.ts", "check the import paths"] },
  { name: "wrong-param", code: "XPM201", fragments: ["bad.Sleep: param 'seconds' expected int", "wrong-param.ts:8:", "got 1.5"] },
  { name: "no-id", code: "XPM104", fragments: ["has no 'id'", "add `id: my-experiment`"] },
  { name: "file-and-module", code: "XPM104", fragments: ["either 'file' or 'module', not both", "file-and-module.yaml:3:"] },
  { name: "run-throws", code: "XPM301", fragments: ["run() threw: no data folder configured", "throws.ts:5:"] },
  { name: "path-in-list", code: "XPM205", fragments: ["bad.Merge: param 'inputs.0': a path inside list[path] cannot enter an identifier", "compat-values.ts:18:", "pass configs that hold the paths"] },
  { name: "int-range", code: "XPM206", fragments: ["9223372036854775808 does not fit in a 64-bit signed int", "compat-values.ts:19:"] },
  { name: "null-required", code: "XPM207", fragments: ["required param 'name' cannot be null", "compat-values.ts:20:"] },
  { name: "collision", code: "XPM306", fragments: ["submissions #3 and #4 reach the same job", "differ in 'model'", "compat-values.ts:21:", "Checkpoint.create"] },
  { name: "nul-value", code: "XPM307", fragments: ["param 'words.2' of bad.Say holds a NUL character (at character 4), which no command argument can carry", "nul-value.ts:8:", "remove it from the value of 'words.2'"] },
  { name: "lightweight-no-command", code: "XPM210", fragments: ["bad.Loader is declared lightweight but has no command", "lightweight-no-command.ts:5:", "lightweight: true, command"] },
  { name: "init-task-config", code: "XPM310", fragments: ["initTasks[1] is a bad.Plain config, not a lightweight config", "init-tasks.ts:14:", "lightweight: true"] },
  { name: "init-task-task", code: "XPM310", fragments: ["initTasks[1] is a bad.Sleep task, not a lightweight config", "submit bad.Sleep with helper.submit()"] },
  { name: "init-task-undefined", code: "XPM310", fragments: ["initTasks[1] is undefined, not a lightweight config", "init-tasks.ts:14:"] },
  { name: "init-task-single", code: "XPM310", fragments: ["initTasks must be an array of lightweight configs, got a bad.Prime config", "even for one"] },
  { name: "self-dependency", code: "XPM311", fragments: ["bad.Step depends on itself: 'previous' holds the task itself", "self-dependency.ts:13:", "pathGen"] },
  { name: "asset-member", code: "XPM312", fragments: ["task bad.Train uses trian.mjs in the folder asset test/fixtures/bad/scripts/, which has no such file", "did you mean 'train.mjs'?"] },
  { name: "path-asset", code: "XPM211", fragments: ["param 'data' is a path and got the project file test/fixtures/bad/data.csv (an asset)", "path-asset.ts:9:", 'asset(new URL("./data.csv", import.meta.url))'] },
  { name: "missing-yaml", code: "XPM102", fragments: ["no experiment file", "the .yaml suffix is optional"] },
  { name: "good", args: ["--run-mode", "sometimes"], code: "XPM901", fragments: ["unknown run mode 'sometimes'", "dry-run, prepare"] },
  { name: "good", args: ["-c", "noequals"], code: "XPM120", fragments: ["-c expects key.path=value"] },
  { name: "good", args: ["-c", "seconds=abc"], code: "XPM104", fragments: ["'seconds': expected number, received string"] },
];

describe("bad input: one fixture per mistake", () => {
  for (const c of cases) {
    it(`${c.name}${c.args ? ` ${c.args.join(" ")}` : ""} -> ${c.code}`, () => {
      const ws = join(tmp(), "ws");
      const r = cli(["run-experiment", fixture("bad", c.name), "--workdir", ws, "--run-mode", "prepare", ...(c.args ?? [])]);
      expect(r.status).toBe(2);
      const errors = errorsIn(r.stderr);
      expect(errors).toMatch(new RegExp(`^error ${c.code}: `));
      for (const f of c.fragments) expect(errors).toContain(f);
      expect(errors).toContain("hint: ");
      expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
      expect(existsSync(ws)).toBe(false);
    });
  }

  it("an unknown command and option are usage errors", () => {
    expect(cli(["frobnicate"]).stderr).toContain("error XPM901: unknown command 'frobnicate'");
    expect(cli(["run-experiment", "x", "--frob"]).stderr).toContain("error XPM901: unknown option --frob");
  });
});
