/** The plan: stable topological order, dependents, and cycles named. */
import { describe, expect, it } from "vitest";
import type { TaskInstance } from "../../src/model/plan.ts";
import { plan } from "../../src/plan/index.ts";
import { XpmError } from "../../src/model/diagnostics.ts";

function task(taskId: string, hash: string, deps: string[] = []): TaskInstance {
  const key = `${taskId.toLowerCase()}/${hash}`;
  return { key, taskId, name: taskId.split(".").pop()!, hash, jobPath: `jobs/${key}`, deps, command: ["true"], initCommands: [], params: "{}\n", tags: {}, requirements: undefined, launcher: undefined, retry: { max: 0, durationFactor: 1 } };
}

describe("plan", () => {
  it("orders by dependencies, ties broken by task id then hash, whatever the submission order", () => {
    const a2 = task("x.A", "22");
    const a1 = task("x.A", "11");
    const b = task("x.B", "00", [a2.key, a1.key]);
    const c = task("x.C", "99", [a1.key]);
    const order = (tasks: TaskInstance[]) => plan({ experimentId: "e", tasks }).jobs.map((j) => j.key);
    expect(order([a2, a1, b, c])).toEqual(["x.a/11", "x.a/22", "x.b/00", "x.c/99"]);
    expect(order([c, b, a1, a2].reverse())).toEqual(["x.a/11", "x.a/22", "x.b/00", "x.c/99"]);
    const p = plan({ experimentId: "e", tasks: [a2, a1, b, c] });
    expect(p.jobs[0]!.dependents).toEqual(["x.b/00", "x.c/99"]);
    expect(p.jobs.map((j) => j.index)).toEqual([0, 1, 2, 3]);
  });

  it("names a cycle", () => {
    const a = task("x.A", "1", ["x.b/2"]);
    const b = task("x.B", "2", ["x.a/1"]);
    let err: unknown;
    try {
      plan({ experimentId: "e", tasks: [a, b] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(XpmError);
    expect((err as XpmError).diagnostics[0]!.code).toBe("XPM303");
    expect((err as XpmError).diagnostics[0]!.message).toMatch(/cycle: x\.(a\/1|b\/2) -> x\.(a\/1|b\/2)/);
  });

  it("a task without a command is reported once per task type", () => {
    const t = (h: string) => ({ ...task("x.NoCmd", h), command: [] });
    let err: XpmError | undefined;
    try {
      plan({ experimentId: "e", tasks: [t("1"), t("2"), t("3")] });
    } catch (e) {
      err = e as XpmError;
    }
    expect(err!.diagnostics).toHaveLength(1);
    expect(err!.diagnostics[0]!.message).toBe("task x.NoCmd has no command, so its job cannot run");
  });
});
