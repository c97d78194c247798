/**
 * The HTML report in a real browser: Debian's headless Chromium (driven by playwright-core)
 * opens the report of a COPIED workspace from the disk, and the test checks the DAG's nodes and
 * edges and the table's rows against the manifest and `status --json`, filters by state, follows
 * nothing, and saves a screenshot (test-artifacts/report.png). The page must make no request
 * but the one for itself. Without Chromium: a failure on CI (CI=true), a loud skip elsewhere
 * (apt-get install chromium).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, cli, errorsIn, fixture, scratchFolders } from "../helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing on CI: .ci/run installs it (apt-get install chromium)`);
if (!present) console.warn(`SKIPPED: the report in a browser (${CHROMIUM} not found: apt-get install chromium)`);

const scratch = scratchFolders("xpm-report-");
const ARTIFACTS = join(ROOT, "test-artifacts");

interface Manifest {
  jobs: { key: string; deps: string[]; dir: string; name: string }[];
}

describe.skipIf(!present)("the report in headless Chromium", () => {
  let context: BrowserContext;
  let copy: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const ws = join(scratch(), "ws");
    const run = cli(["run-experiment", fixture("projects/chain/normal"), "-c", "fail_b=true", "--workdir", ws]);
    expect(errorsIn(run.stderr)).toBe("");
    expect(run.status).toBe(1);
    const r = cli(["report", ws, "chain"]);
    expect(r.status).toBe(0);
    copy = join(scratch(), "copied-ws");
    cpSync(ws, copy, { recursive: true });
    rmSync(ws, { recursive: true });
    context = await chromium.launchPersistentContext(scratch(), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    });
    context.on("request", (req) => void requests.push(req.url()));
  }, 120_000);
  afterAll(async () => context?.close());

  it("shows the manifest's DAG and jobs, filters by state, and fetches nothing", async () => {
    const manifest = JSON.parse(readFileSync(join(copy, "experiments/chain/manifest.json"), "utf8")) as Manifest;
    const status = JSON.parse(cli(["status", copy, "chain", "--json"]).stdout) as { key: string; state: string }[];
    const url = pathToFileURL(join(copy, "experiments/chain/report.html")).href;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);

    const nodes = await page.$$eval("#plan .xpm-node", (els) => els.map((e) => [e.getAttribute("data-node"), e.getAttribute("data-key"), e.getAttribute("data-state")]));
    expect(nodes.map((n) => n[1]).sort()).toEqual(manifest.jobs.map((j) => j.key).sort());
    const keyOf = new Map(nodes.map((n) => [n[0], n[1]]));
    const edges = await page.$$eval("#plan .xpm-edge", (els) => els.map((e) => [e.getAttribute("data-from"), e.getAttribute("data-to")]));
    expect(edges.map(([f, t]) => `${keyOf.get(f)} -> ${keyOf.get(t)}`).sort()).toEqual(manifest.jobs.flatMap((j) => j.deps.map((d) => `${d} -> ${j.key}`)).sort());

    const rows = await page.$$eval("tr.job", (els) => els.map((e) => [e.getAttribute("data-key"), e.getAttribute("data-state")]));
    expect(rows.sort()).toEqual(status.map((s) => [s.key, s.state]).sort());
    expect(nodes.map((n) => [n[1], n[2]]).sort()).toEqual(rows.sort());

    await page.selectOption("#f-state", "failed");
    const visible = await page.$$eval("tr.job:not(.hidden)", (els) => els.map((e) => e.getAttribute("data-state")));
    expect(visible).toEqual(status.filter((s) => s.state === "failed").map((s) => s.state));
    expect(await page.textContent("#f-count")).toBe(`1 of ${manifest.jobs.length} jobs`);
    expect(await page.$$eval("#plan .xpm-node.dim", (els) => els.length)).toBe(manifest.jobs.length - 1);
    // The failed job's stderr tail is on the page, and its log link reaches the copy's file.
    expect(await page.textContent("tr.job:not(.hidden) details pre")).toContain("step b failed on purpose");
    const errHref = await page.getAttribute("tr.job:not(.hidden) a[href$='.err']", "href");
    expect(existsSync(new URL(errHref!, url))).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.selectOption("#f-state", "");
    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
    expect(requests).toEqual([url]);
  });
});
