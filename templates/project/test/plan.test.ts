/**
 * The experiment's wiring, checked in CI: the prepared plan (job scripts, params, manifest,
 * drivers) must match golden/ byte for byte. After an intended change, accept it with
 * `npm run golden` and review `git diff golden/`. The first run writes golden/ (commit it);
 * under CI a missing golden/ is a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const experimaestro = join(root, "node_modules", ".bin", "experimaestro");
const golden = join(root, "golden");

it("the prepared plan matches golden/", { timeout: 120_000 }, () => {
  const first = !existsSync(golden);
  if (first && process.env.CI) throw new Error("golden/ is missing: run `npm run golden` and commit golden/");
  const args = ["run-experiment", "normal", "--xpm-config-dir", "xpm-config", "--run-mode", "prepare", "--golden", golden];
  const r = spawnSync(experimaestro, first ? [...args, "--update-golden"] : args, { cwd: root, encoding: "utf8" });
  if (first) console.log("golden/ written from this plan: review and commit it");
  expect(r.status, `${r.stdout}${r.stderr}\nIf the change is intended: npm run golden`).toBe(0);
});
