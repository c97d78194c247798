#!/usr/bin/env node
// Regenerates golden/<example>/: the `prepare` output of each example experiment, byte for byte.
// Review the diff (`git diff golden/`) before committing it.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const GOLDEN_EXAMPLES = [{ name: "grid", yaml: "examples/grid/normal" }];

for (const { name, yaml } of GOLDEN_EXAMPLES) {
  const ws = mkdtempSync(join(tmpdir(), "xpm-golden-"));
  execFileSync(process.execPath, [join(root, "bin/experimaestro.mjs"), "run-experiment", yaml, "--run-mode", "prepare", "--workdir", ws], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const target = join(root, "golden", name);
  rmSync(target, { recursive: true, force: true });
  cpSync(ws, target, { recursive: true });
  rmSync(ws, { recursive: true, force: true });
  console.log(`golden/${name} updated from ${yaml}`);
}
