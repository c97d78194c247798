/**
 * `--golden DIR --update-golden`: makes DIR exactly the emitted tree. (Comparing with DIR is
 * src/plandiff/golden.ts: the plan summary, then the files that changed.)
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
type Files = ReadonlyMap<string, string | Buffer>;

/** Makes `dir` hold exactly `files`. */
export function updateGolden(dir: string, files: Files): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    // Scripts executable, as the workspace writer makes them.
    writeFileSync(target, content, { mode: path.endsWith(".sh") ? 0o755 : 0o644 });
  }
}
