#!/usr/bin/env node
// Regenerates golden/<example>/: the `prepare` output of each example experiment, byte for byte.
// Review the diff (`git diff golden/`) before committing it.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GOLDEN_EXAMPLES } from "./golden-examples.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

for (const { name, yaml, launchers } of GOLDEN_EXAMPLES) {
  const ws = mkdtempSync(join(tmpdir(), "xpm-golden-"));
  // An empty settings folder when none is given: the user's own launchers.yaml must not leak in.
  const config = launchers ?? mkdtempSync(join(tmpdir(), "xpm-golden-config-"));
  const args = ["run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws, "--xpm-config-dir", config];
  execFileSync(process.execPath, [join(root, "bin/experimaestro.mjs"), ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const target = join(root, "golden", name);
  rmSync(target, { recursive: true, force: true });
  cpSync(ws, target, { recursive: true });
  rmSync(ws, { recursive: true, force: true });
  console.log(`golden/${name} updated from ${yaml}${launchers ? ` with ${launchers}` : ""}`);
}
