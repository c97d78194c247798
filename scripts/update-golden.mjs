#!/usr/bin/env node
// Regenerates golden/<example>/ through the CLI's own `--golden DIR --update-golden` path, so a
// golden tree is exactly what a user's `--golden` compares. Review `git diff golden/` before committing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GOLDEN_EXAMPLES } from "./golden-examples.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

for (const { name, yaml, launchers } of GOLDEN_EXAMPLES) {
  // A scratch workspace and, when none is given, an empty settings folder: the user's own
  // settings.yaml and launchers.yaml must not leak in. Nothing is written to the workspace.
  const scratch = mkdtempSync(join(tmpdir(), "xpm-golden-"));
  const config = launchers ?? join(scratch, "config");
  const args = ["run-experiment", yaml, "--run-mode", "prepare", "--workdir", join(scratch, "ws"), "--xpm-config-dir", config, "--golden", join("golden", name), "--update-golden"];
  execFileSync(process.execPath, [join(root, "bin/experimaestro.mjs"), ...args], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  rmSync(scratch, { recursive: true, force: true });
  console.log(`golden/${name} updated from ${yaml}${launchers ? ` with ${launchers}` : ""}`);
}
