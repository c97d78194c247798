/** view/report and view/watch (pure), and the actions' answers (prompt API, typing). */
import { describe, expect, it } from "vitest";
import { typedAnswer } from "../../src/act/actions.ts";
import { answerParams, answersOf, type Prompter } from "../../src/cli/prompt.ts";
import { XpmError } from "../../src/model/diagnostics.ts";
import { renderReport, resultsSection, type ReportJob } from "../../src/view/report.ts";
import { changeLines, watchFrame, type WatchJob } from "../../src/view/watch.ts";

const hex = (c: string) => c.repeat(64);

function job(hash: string, state: string, tags: ReportJob["tags"] = {}, deps: string[] = []): ReportJob {
  return {
    key: `t.x/${hash}`, task: "t.X", hash, deps, tags, state, label: `t.X/${hash.slice(0, 8)}`, launcher: "local", backend: "local",
    resources: "cpus=1", stderrTail: [], outHref: `../../jobs/t.x/${hash}/x.out`, errHref: `../../jobs/t.x/${hash}/x.err`,
  };
}

describe("the report page", () => {
  it("escapes hostile tags and stderr, and fetches nothing", () => {
    const bad = { ...job(hex("a"), "failed", { note: '"><script>alert(1)</script>' }), stderrTail: ["<img src=x onerror=alert(1)>"], exitReason: "failed (exit 3)" };
    const html = renderReport({ experiment: "xp<1>", generatedAt: "2026-01-01T00:00:00Z", jobs: [bad, job(hex("b"), "done", {}, [bad.key])] });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.match(/<tr class="job"/g)).toHaveLength(2);
    expect(html).toContain('<time id="generated" datetime="2026-01-01T00:00:00Z">');
  });

  it("has a results section only when given rows", () => {
    expect(resultsSection(undefined)).toBe("");
    expect(resultsSection({ columns: ["job"], rows: [] })).toBe("");
    const s = resultsSection({ columns: ["job", "lr", "loss"], rows: [{ job: "t.X/aaaaaaaa", lr: 0.1, loss: null }] });
    expect(s).toContain('<table id="results-table"');
    expect(s).toContain("<td data-v=\"0.1\">0.1</td>");
    expect(renderReport({ experiment: "x", generatedAt: "t", jobs: [], results: { columns: ["a"], rows: [{ a: 1 }] } })).toContain('id="results"');
  });
});

describe("the watch view", () => {
  const jobs: WatchJob[] = [
    { label: "t.X/aaaaaaaa", state: "running", seconds: 65, progress: { fraction: 0.5, message: "epoch 5/10" } },
    { label: "t.X/bbbbbbbb", state: "running", seconds: 3, atLeast: true },
    { label: "t.X/cccccccc", state: "failed", detail: "timeout", lastErr: "killed\tat the limit", endedMs: 2 },
    { label: "t.X/dddddddd", state: "done" },
  ];

  it("shows counts, running jobs with time and progress, and failures", () => {
    const lines = watchFrame({ experiment: "xp", jobs, elapsed: 3725, hint: "q quits" });
    expect(lines[0]).toBe("xp — 4 jobs — 1:02:05   (q quits)");
    expect(lines[1]).toBe("done 1 · failed 1 · running 2");
    expect(lines[2]).toBe("running (2)");
    expect(lines[3]).toBe("  t.X/aaaaaaaa      1:05  [#####.....]  50% epoch 5/10");
    expect(lines[4]).toBe("  t.X/bbbbbbbb     ≥0:03");
    expect(lines[6]).toBe("  t.X/cccccccc  failed (timeout): killed at the limit");
    expect(watchFrame({ experiment: "xp", jobs, elapsed: 0 }, { width: 20 }).every((l) => [...l].length <= 20)).toBe(true);
  });

  it("logs one line per change", () => {
    const seen = new Map<string, string>();
    expect(changeLines(seen, jobs)).toHaveLength(4);
    expect(changeLines(seen, jobs)).toEqual([]);
    expect(changeLines(seen, [{ label: "t.X/aaaaaaaa", state: "done" }])).toEqual(["t.X/aaaaaaaa: running -> done"]);
  });
});

describe("action answers", () => {
  const params = { dest: { type: "path" as const, default: "best.json" }, k: { type: "int" as const }, mode: { type: "string" as const, choices: ["fast", "slow"], default: "fast" } };
  const check = (p: Parameters<typeof typedAnswer>[0], raw: string) => typedAnswer(p, raw, "/home/u");

  it("takes --answer first, then a terminal, then defaults; types and checks each", async () => {
    const asked: string[] = [];
    const terminal: Prompter = { ask: async (name, _p, error) => (asked.push(`${name}${error ? `!${error}` : ""}`), asked.length === 1 ? "x" : "7"), close() {} };
    const v = await answerParams("a", params, answersOf(["mode=slow"]), terminal, check);
    expect(v).toEqual({ dest: "/home/u/x", k: "7", mode: "slow" });
    expect(asked).toEqual(["dest", "k"]);
    await expect(answerParams("a", params, answersOf(["k=1.5"]), undefined, check)).rejects.toThrow(/k: '1.5' is not an integer/);
    await expect(answerParams("a", params, new Map(), undefined, check)).rejects.toThrow(/needs a value for 'k'/);
    await expect(answerParams("a", params, answersOf(["k=1", "mode=medium"]), undefined, check)).rejects.toThrow(/not one of fast, slow/);
    expect(await answerParams("a", params, answersOf(["k=1"]), undefined, check)).toEqual({ dest: "/home/u/best.json", k: "1", mode: "fast" });
    expect(() => answersOf(["novalue"])).toThrow(XpmError);
    expect(typedAnswer({ type: "bool" }, "Yes", "/")).toEqual({ value: "true" });
    expect(typedAnswer({ type: "float" }, "1e-3", "/")).toEqual({ value: "0.001" });
  });
});
